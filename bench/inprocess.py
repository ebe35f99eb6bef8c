"""CPU per request in-process: calls the WSGI application directly (no sockets, no gunicorn), with
the bench's settings and data, so a code change can be judged in seconds and without wrk's noise.

    .venv/bin/python bench/inprocess.py                       # every endpoint, CPU ms per request
    .venv/bin/python bench/inprocess.py --profile transactions_page1   # cProfile, top 40 by own time

Needs the same environment as bench/run.sh (DATABASE_URL at kavi_bench, REDIS_URL, production
settings); `bash bench/run.sh` seeds the data first. Figures are Python CPU of this process only
(PostgreSQL's and Redis's work is not in them), median of several rounds.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fg_copilot.settings.production")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kavi_bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/1")
os.environ.setdefault("CACHE_KEY_PREFIX", "kavi-bench")
os.environ.setdefault("SECRET_KEY", "bench-inprocess-" + "x" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("NUM_PROXIES", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("JWT_ACCESS_MINUTES", "120")
os.environ.setdefault("THROTTLE_USER_RATE", "100000000/hour")


def prepared() -> dict[str, str]:
    """Runs bench/prepare.py (sign-in, date ranges) in a child process and reads its assignments."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "prepare.py")], check=True, capture_output=True, text=True
    ).stdout
    values = {}
    for line in out.splitlines():
        if "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip().strip("'\"")
    return values


def endpoints(v: dict[str, str]) -> dict[str, str]:
    return {
        "ping": "/api/v1/core/ping/",
        "transactions_page1": "/api/v1/finance/transactions/",
        "transactions_filtered": "/api/v1/finance/transactions/?transaction_type=expense&category=Transport",
        "summary_year": f"/api/v1/finance/transactions/summary/?date_from={v['BENCH_YEAR_FROM']}"
        f"&date_to={v['BENCH_YEAR_TO']}",
        "analytics_24m": f"/api/v1/finance/transactions/analytics/?period=month&date_from={v['BENCH_MONTHS_FROM']}"
        f"&date_to={v['BENCH_MONTHS_TO']}",
        "dashboard": "/api/v1/users/dashboard/",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--profile", default=None, help="endpoint name to profile with cProfile")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    values = prepared()
    import django

    django.setup()
    from fg_copilot.wsgi import application

    token, business = values["BENCH_TOKEN"], values["BENCH_BUSINESS_ID"]

    def call(path: str) -> bytes:
        route, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": route,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8090",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1:8090",
            "HTTP_AUTHORIZATION": f"Bearer {token}",
            "HTTP_X_BUSINESS_ID": business,
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        status: list[str] = []

        def start_response(code: str, headers: Any, exc_info: Any = None) -> Any:
            status.append(code)

        body = b"".join(application(environ, start_response))
        if not status[0].startswith("200"):
            raise SystemExit(f"{path}: {status[0]} {body[:300]!r}")
        return body

    chosen = endpoints(values)
    if args.profile:
        path = chosen[args.profile]
        for _ in range(50):
            call(path)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            call(path)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(40)
        stats.sort_stats("cumulative").print_stats(60)
        return
    names = args.only or list(chosen)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for name in names:
        for _ in range(30):
            call(chosen[name])
    for _ in range(args.rounds):
        for name in names:
            path = chosen[name]
            start = time.process_time()
            for _ in range(args.requests):
                call(path)
            samples[name].append((time.process_time() - start) * 1000 / args.requests)
    for name in names:
        print(
            f"{name:24s} {statistics.median(samples[name]):6.2f} ms CPU/request (min {min(samples[name]):.2f})"
        )


if __name__ == "__main__":
    main()
