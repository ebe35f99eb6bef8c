"""Outages under load, for real: a private Redis and a private PostgreSQL cluster (never the shared
ones), the app under gunicorn pointed at them, and client threads reading and writing while each
server is stopped for several seconds and started again.

- Redis down: at least 99% of requests still answer 2xx.
- PostgreSQL down: every request answers 503 `database_unavailable` with Retry-After, each within
  2 s; the server recovers by itself when PostgreSQL is back; every write that was acknowledged
  (201) is in the database afterwards.
"""

import contextlib
import glob
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[1]
logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per request otherwise
OUTAGE_SECONDS = 8.0
CLIENT_THREADS = 4
MAX_LATENCY_DURING_DB_OUTAGE = 2.0
RECOVERY_DEADLINE = 15.0  # seconds after PostgreSQL is back
RECOVERY_WINDOW = 2.0


def _pg_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    return found[-1] or None


INITDB, PG_CTL = _pg_bin("initdb"), _pg_bin("pg_ctl")
REDIS_SERVER = shutil.which("redis-server")
GUNICORN = Path(sys.executable).parent / "gunicorn"

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(
        not (INITDB and PG_CTL), reason="PostgreSQL server binaries (initdb, pg_ctl) not found"
    ),
    pytest.mark.skipif(not REDIS_SERVER, reason="redis-server not found"),
    pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed in this environment"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {port} after {timeout} s")


class PrivateRedis:
    def __init__(self, workdir: Path) -> None:
        self.port = _free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        args = [REDIS_SERVER or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--save", "", "--appendonly", "no", "--dir", str(self.workdir), "--daemonize", "no"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for_port(self.port, 10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None


class PrivatePostgres:
    """A throwaway cluster in a temp dir on its own port and socket dir, trust auth. As root the
    server must run as the `postgres` OS user."""

    def __init__(self, workdir: Path) -> None:
        self.port = _free_port()
        self.workdir = workdir
        self.data = workdir / "pgdata"
        self.log = workdir / "postgres.log"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(workdir, "postgres")

    def _run(self, *args: str, timeout: float = 60) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=timeout)

    def init(self) -> None:
        self._run(
            INITDB or "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
        self._run(
            PG_CTL or "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.log),
            "-w",
            "-t",
            "30",
            "start",
        )

    def stop(self) -> None:
        self._run(PG_CTL or "pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


@dataclass
class Result:
    started: float
    ended: float
    method: str
    status: int  # 0: no answer (a client-side timeout or a dropped connection)
    code: str | None
    retry_after: str | None
    created_id: str | None


class Load:
    """Client threads that alternate a list read and a transaction write until stopped."""

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        self.base, self.headers = base, headers
        self.results: list[Result] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(CLIENT_THREADS)
        ]

    def _run(self, index: int) -> None:
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=10) as client:
            n = 0
            while not self._stop.is_set():
                n += 1
                write = n % 2 == 0
                started = time.monotonic()
                try:
                    if write:
                        body = {
                            "amount": f"{index + 1}.{n % 100:02d}",
                            "transaction_type": "income",
                            "category": "sales",
                            "payment_method": "cash",
                            "transaction_date": "2026-03-14",
                            "description": f"fault-test {index}-{n}",
                        }
                        response = client.post("/api/v1/finance/transactions/", json=body)
                    else:
                        response = client.get("/api/v1/finance/transactions/", params={"page_size": 5})
                    status = response.status_code
                    payload = (
                        response.json()
                        if response.headers.get("content-type", "").startswith("application/json")
                        else {}
                    )
                    code = payload.get("code") if isinstance(payload, dict) else None
                    created = str(payload["id"]) if write and status == 201 else None
                    retry_after = response.headers.get("retry-after")
                except httpx.HTTPError:
                    status, code, created, retry_after = 0, None, None, None
                result = Result(
                    started, time.monotonic(), "POST" if write else "GET", status, code, retry_after, created
                )
                with self._lock:
                    self.results.append(result)
                time.sleep(0.01)

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=15)

    def between(self, start: float, end: float) -> list[Result]:
        with self._lock:
            return [r for r in self.results if r.started >= start and r.ended <= end]


@pytest.fixture
def stack():
    workdir = Path(tempfile.mkdtemp(prefix="kavi-faults-"))
    workdir.chmod(0o755)
    redis, postgres = PrivateRedis(workdir), PrivatePostgres(workdir)
    server: subprocess.Popen[bytes] | None = None
    try:
        redis.start()
        postgres.init()
        postgres.start()
        with psycopg.connect(postgres.url("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE kavi")
        port = _free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "fg_copilot.settings.test",
            "DATABASE_URL": postgres.url("kavi"),
            "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "PORT": str(port),
            "GUNICORN_WORKERS": "2",
            "GUNICORN_THREADS": "4",
            "THROTTLE_USER_RATE": "100000/hour",
            "THROTTLE_ANON_RATE": "100000/hour",
            "PYTHONUNBUFFERED": "1",
        }
        for name in (
            "DB_POOL_TIMEOUT",
            "DB_POOL_RECONNECT_TIMEOUT",
            "REDIS_CONNECT_TIMEOUT",
            "REDIS_SOCKET_TIMEOUT",
        ):
            env.pop(name, None)  # the shipped defaults are what is measured
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=180,
        )
        log = (workdir / "gunicorn.log").open("wb")
        server = subprocess.Popen(
            [
                str(GUNICORN),
                "--config",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "fg_copilot.wsgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        _wait_for_port(port, 30)
        yield {
            "base": f"http://127.0.0.1:{port}",
            "redis": redis,
            "postgres": postgres,
            "server": server,
            "workdir": workdir,
        }
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=15)
            if server.poll() is None:
                server.kill()
        redis.stop()
        with contextlib.suppress(Exception):
            postgres.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def _owner_headers(base: str) -> dict[str, str]:
    email = f"faults-{uuid.uuid4().hex[:8]}@example.com"
    password = "Fault-tolerant-42!"
    with httpx.Client(base_url=base, timeout=30) as client:
        registered = client.post(
            "/api/v1/users/register/",
            json={"email": email, "password": password, "first_name": "Fau", "last_name": "Lt"},
        )
        assert registered.status_code == 201, registered.text
        token = client.post("/api/v1/auth/token/", json={"email": email, "password": password})
        assert token.status_code == 200, token.text
        headers = {"Authorization": f"Bearer {token.json()['access']}"}
        business = client.post(
            "/api/v1/users/businesses/", json={"legal_name": "Faults Ltd"}, headers=headers
        )
        assert business.status_code == 201, business.text
        return {**headers, "X-Business-ID": str(business.json()["id"])}


def _health(base: str) -> dict[str, tuple[int, str, float]]:
    """(status code, body status, seconds) of both health paths, as a load balancer would see them."""
    found = {}
    with httpx.Client(base_url=base, timeout=10) as client:
        for path in ("/api/health/live/", "/api/health/"):
            started = time.monotonic()
            response = client.get(path)
            found[path] = (
                response.status_code,
                response.json()["status"],
                round(time.monotonic() - started, 2),
            )
    return found


def _share_2xx(results: list[Result]) -> float:
    return sum(200 <= r.status < 300 for r in results) / len(results)


def test_the_api_survives_redis_and_postgresql_outages(stack):
    base, redis, postgres, server = stack["base"], stack["redis"], stack["postgres"], stack["server"]
    load = Load(base, _owner_headers(base))
    health: dict[str, dict[str, tuple[int, str, float]]] = {}
    load.start()
    started = time.monotonic()
    try:
        time.sleep(2)

        # (a) Redis stopped for OUTAGE_SECONDS under load.
        redis.stop()
        redis_down = time.monotonic()
        time.sleep(1)
        health["redis down"] = _health(base)
        time.sleep(OUTAGE_SECONDS - 1)
        redis_up = time.monotonic()
        redis.start()
        time.sleep(2)
        health["redis back"] = _health(base)

        # (b) PostgreSQL stopped for OUTAGE_SECONDS under load.
        postgres.stop()
        pg_down = time.monotonic()
        time.sleep(1)
        health["postgres down"] = _health(base)
        time.sleep(OUTAGE_SECONDS - 1)
        pg_up = time.monotonic()
        postgres.start()
        pg_back = time.monotonic()

        # Recovery without a restart: every worker's pool reconnects on its own (each within about
        # a second of its next attempt), after which everything answers 2xx again: wait for
        # RECOVERY_WINDOW seconds of nothing but 2xx, then keep the load on a little longer.
        recovered_at = None
        deadline = pg_back + RECOVERY_DEADLINE
        while time.monotonic() < deadline and recovered_at is None:
            time.sleep(0.2)
            window = load.between(time.monotonic() - RECOVERY_WINDOW, time.monotonic())
            if window and all(200 <= r.status < 300 for r in window):
                recovered_at = min(r.started for r in window)
        time.sleep(2)
        after_recovery = load.between(recovered_at, time.monotonic()) if recovered_at else []
    finally:
        load.stop()

    assert server.poll() is None, "the server died"
    before = load.between(started, redis_down)
    print(
        f"\nBefore the outages: {len(before)} requests in {redis_down - started:.1f} s, {_share_2xx(before):.2%} 2xx"
    )
    print(f"Health probes: {health}")

    # The load balancer's check stays 200 without Redis; the full check says degraded, then ok again.
    assert health["redis down"]["/api/health/live/"][:2] == (200, "ok")
    assert health["redis down"]["/api/health/"][:2] == (503, "degraded")
    assert health["redis back"]["/api/health/"][:2] == (200, "ok")
    assert health["postgres down"]["/api/health/live/"][:2] == (503, "down")
    assert health["postgres down"]["/api/health/"][:2] == (503, "down")
    assert all(elapsed <= MAX_LATENCY_DURING_DB_OUTAGE for _, _, elapsed in health["postgres down"].values())

    during_redis = load.between(redis_down, redis_up)
    assert len(during_redis) >= 20, len(during_redis)
    share = _share_2xx(during_redis)
    print(f"Redis outage: {len(during_redis)} requests, {share:.2%} 2xx")
    assert share >= 0.99, sorted({(r.status, r.code) for r in during_redis})

    during_pg = load.between(pg_down, pg_up)
    assert len(during_pg) >= 20, len(during_pg)
    bad = [
        (r.method, r.status, r.code, r.retry_after)
        for r in during_pg
        if r.status != 503 or r.code != "database_unavailable" or not r.retry_after
    ]
    slowest = max(r.ended - r.started for r in during_pg)
    print(
        f"PostgreSQL outage: {len(during_pg)} requests, slowest answer {slowest:.2f} s, not 503: {len(bad)}"
    )
    assert not bad, bad[:10]
    assert slowest <= MAX_LATENCY_DURING_DB_OUTAGE, slowest

    back = load.between(pg_back, time.monotonic())
    first_2xx = min(r.ended for r in back if 200 <= r.status < 300)
    last_error = max((r.ended for r in back if not 200 <= r.status < 300), default=pg_back)
    print(
        f"PostgreSQL back: first 2xx after {first_2xx - pg_back:.2f} s, last non-2xx after "
        f"{last_error - pg_back:.2f} s (every error meanwhile a 503: "
        f"{all(r.status == 503 for r in back if not 200 <= r.status < 300)})"
    )
    assert recovered_at is not None, f"not {RECOVERY_WINDOW} s of only 2xx within {RECOVERY_DEADLINE} s"
    assert after_recovery and all(200 <= r.status < 300 for r in after_recovery)

    # No request anywhere in the run was answered 500 (or not at all).
    assert not [r for r in load.results if r.status == 0 or (r.status >= 500 and r.status != 503)]

    acknowledged = {r.created_id for r in load.results if r.created_id}
    with psycopg.connect(postgres.url("kavi")) as conn:
        rows = conn.execute("SELECT id::text FROM finance_transaction").fetchall()
    found = {row[0] for row in rows}
    print(f"Writes acknowledged: {len(acknowledged)}, found in the database: {len(acknowledged & found)}")
    assert acknowledged and acknowledged <= found, sorted(acknowledged - found)[:10]
