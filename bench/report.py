"""Results writer for bench/run.sh. Standard library only.

Reads the wrk result lines (JSON lines, one per measurement attempt), keeps the least disturbed
attempt of each measurement, relates each endpoint to the floor runs that bracket it, checks the
targets, prints the tables and writes them as JSON.

Per endpoint:
- req/s, p50/p95/p99: from wrk (latency percentiles from wrk's own histogram, via bench/wrk.lua).
- x floor: req/s divided by the mean req/s of the floor runs just before and just after it.
- cpu x floor: the same ratio estimated from server CPU per request (gunicorn + its PostgreSQL
  backends + Redis), which other load on the machine disturbs far less than req/s. Shown to
  corroborate "x floor"; the targets are judged on "x floor", as the issue defines them.
- others' cpu: the share of the whole machine that processes outside the bench used meanwhile.
The floor row aggregates all floor runs of the pass: mean req/s, median percentiles.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
from pathlib import Path

FLOOR = "ping"
CPUS = os.cpu_count() or 1
P95_LIMIT_MS = 100.0
SERVER = ("gunicorn", "postgres", "redis")


def machine() -> dict[str, object]:
    model, memory_gb = "", None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return {
        "cpus": CPUS,
        "cpu_model": model,
        "memory_gb": memory_gb,
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def cpu_ms(row: dict) -> dict[str, float]:
    """CPU milliseconds per request, by process kind (share of all cores x wall time / requests)."""
    if not row["requests"]:
        return {}
    scale = row["duration_s"] * CPUS * 1000 / 100 / row["requests"]
    out = {kind: round(row["cpu"][f"{kind}_pct"] * scale, 3) for kind in (*SERVER, "wrk")}
    out["server"] = round(sum(out[k] for k in SERVER), 3)
    return out


def best_attempts(attempts: list[dict]) -> list[dict]:
    """One row per measurement (pass, endpoint, slot): the attempt other processes disturbed least."""
    chosen: dict[tuple, dict] = {}
    order: list[tuple] = []
    for row in attempts:
        key = (row["pass_"], row["name"], row["slot"])
        row["attempts"] = sum(1 for r in attempts if (r["pass_"], r["name"], r["slot"]) == key)
        if key not in chosen:
            order.append(key)
            chosen[key] = row
        elif row["cpu"]["foreign_pct"] < chosen[key]["cpu"]["foreign_pct"]:
            chosen[key] = row
    return [chosen[key] for key in order]


def evaluate(rows: list[dict], pass_name: str, gating: bool) -> tuple[list[dict], list[dict]]:
    rows = [r for r in rows if r["pass_"] == pass_name]
    floors = {r["slot"]: r for r in rows if r["name"] == FLOOR}
    out: list[dict] = []
    if floors:
        runs = list(floors.values())
        p95 = statistics.median(r["p95_ms"] for r in runs)
        server = statistics.mean(cpu_ms(r)["server"] for r in runs)
        out.append(
            {
                "endpoint": FLOOR,
                "path": runs[0]["path"],
                "runs": len(runs),
                "requests": sum(r["requests"] for r in runs),
                "rps": round(statistics.mean(r["rps"] for r in runs), 1),
                "rps_min": round(min(r["rps"] for r in runs), 1),
                "rps_max": round(max(r["rps"] for r in runs), 1),
                "p50_ms": round(statistics.median(r["p50_ms"] for r in runs), 2),
                "p95_ms": round(p95, 2),
                "p99_ms": round(statistics.median(r["p99_ms"] for r in runs), 2),
                "ratio_to_floor": 1.0,
                "cpu_ratio_to_floor": 1.0,
                "server_cpu_ms_per_request": round(server, 3),
                "others_cpu_pct": round(statistics.mean(r["cpu"]["foreign_pct"] for r in runs), 1),
                "target": f"p95<{P95_LIMIT_MS:.0f}ms",
                "verdict": "PASS" if p95 < P95_LIMIT_MS else "FAIL",
            }
        )
    for r in rows:
        if r["name"] == FLOOR:
            continue
        around = [floors[s] for s in (r["slot"] - 1, r["slot"]) if s in floors]
        floor_rps = statistics.mean(f["rps"] for f in around) if around else None
        floor_cpu = statistics.mean(cpu_ms(f)["server"] for f in around) if around else None
        ratio = r["rps"] / floor_rps if floor_rps else None
        server = cpu_ms(r)["server"]
        cpu_ratio = floor_cpu / server if floor_cpu and server else None
        checks, descr = [], []
        if r["target"] not in ("-", ""):
            need = float(r["target"])
            descr.append(f">={need:.0%} floor")
            checks.append(ratio is not None and ratio >= need)
        descr.append(f"p95<{P95_LIMIT_MS:.0f}ms")
        checks.append(r["p95_ms"] < P95_LIMIT_MS)
        out.append(
            {
                "endpoint": r["name"],
                "path": r["path"],
                "runs": 1,
                "requests": r["requests"],
                "rps": round(r["rps"], 1),
                "p50_ms": round(r["p50_ms"], 2),
                "p95_ms": round(r["p95_ms"], 2),
                "p99_ms": round(r["p99_ms"], 2),
                "max_ms": round(r["max_ms"], 2),
                "floor_rps_bracket": [round(f["rps"], 1) for f in around],
                "ratio_to_floor": round(ratio, 3) if ratio is not None else None,
                "cpu_ratio_to_floor": round(cpu_ratio, 3) if cpu_ratio is not None else None,
                "server_cpu_ms_per_request": round(server, 3),
                "cpu_ms_per_request": cpu_ms(r),
                "others_cpu_pct": r["cpu"]["foreign_pct"],
                "attempts": r["attempts"],
                "non2xx": r["non2xx"],
                "socket_errors": r["socket_errors"],
                "target": ", ".join(descr),
                "verdict": "PASS" if all(checks) else "FAIL",
            }
        )
    for row in out:
        row["result"] = row["verdict"] if gating else f"({row['verdict']})"
    return out, rows


def table(rows: list[dict]) -> str:
    head = [
        "endpoint",
        "req/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "x floor",
        "target",
        "result",
        "cpu x floor",
        "server cpu ms/req",
        "others' cpu",
    ]
    fmt = lambda v, spec: "-" if v is None else format(v, spec)  # noqa: E731
    body = [
        [
            r["endpoint"] + (f" ({r['runs']} runs)" if r["runs"] > 1 else ""),
            fmt(r["rps"], ".1f"),
            fmt(r["p50_ms"], ".1f"),
            fmt(r["p95_ms"], ".1f"),
            fmt(r["p99_ms"], ".1f"),
            fmt(r["ratio_to_floor"], ".2f"),
            r["target"],
            r["result"],
            fmt(r["cpu_ratio_to_floor"], ".2f"),
            fmt(r["server_cpu_ms_per_request"], ".2f"),
            f"{r['others_cpu_pct']:.0f}%",
        ]
        for r in rows
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body, strict=True)]
    lines = [
        "  ".join(
            str(c).ljust(w) if i in (0, 6, 7) else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in [head, *body]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("results")
    parser.add_argument("output")
    parser.add_argument("--started", default="")
    parser.add_argument("--seed-seconds", type=float, default=None)
    parser.add_argument("--config", default="")
    parser.add_argument("--data", default="")
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args()
    attempts = [json.loads(line) for line in Path(args.results).read_text().splitlines() if line.strip()]
    rows = best_attempts(attempts)
    cached, cached_runs = evaluate(rows, "cached", gating=True)
    uncached, uncached_runs = evaluate(rows, "uncached", gating=False)
    kv = lambda text: dict(part.split("=", 1) for part in text.split() if "=" in part)  # noqa: E731
    config = kv(args.config)
    document = {
        "started": args.started,
        "machine": machine(),
        "config": config,
        "data": kv(args.data),
        "seed_step_seconds": args.seed_seconds,
        "wrk": f"wrk -t2 -c{config.get('connections', 16)} -d{config.get('duration', '15s')} --latency "
        "-s bench/wrk.lua URL",
        "notes": __doc__,
        "cached": cached,
        "uncached": uncached,
        "all_targets_pass": all(r["verdict"] == "PASS" for r in cached),
        "measurements": cached_runs + uncached_runs,
        "attempts": attempts,
    }
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(document, indent=2) + "\n")
    print(f"run {args.started}  {args.config}")
    print(f"data {args.data}")
    print("\nWith the report cache (production settings):")
    print(table(cached))
    if uncached:
        print("\nUncached (REPORT_CACHE_SECONDS=0; targets for information only):")
        print(table(uncached))
    print(f"\nwritten to {args.output}")
    failed = [r["endpoint"] for r in cached if r["verdict"] != "PASS"]
    print(f"targets missed: {', '.join(failed)}" if failed else "all targets met")
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
