"""CPU accounting for bench/run.sh, so a measurement disturbed by other work on the machine is seen
(and repeated) rather than reported as the application's speed. Linux /proc only, standard library.

    cpu.py wait-quiet [--below 0.25] [--timeout 90]   wait until the machine is nearly idle
    cpu.py start FILE SHELL_PID GUNICORN_PID           snapshot CPU counters into FILE
    cpu.py stop FILE GUNICORN_PID SHELL_PID            print JSON: CPU use since the snapshot, split
                                                       into gunicorn, postgres (kavi_bench backends),
                                                       redis, wrk and everything else ("foreign")

wrk has exited by the time of `stop`, so its CPU is read from the bench shell's reaped-children
counters (cutime + cstime of SHELL_PID), which also hold these small helper processes.

Percentages are of the whole machine (all cores = 100%). "foreign" is the machine's busy time minus
the bench's own processes: other people's builds and tests running next to the benchmark.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
CPUS = os.cpu_count() or 1


def machine() -> tuple[int, int]:
    """(busy, total) jiffies over all cores since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    busy = user + nice + system + irq + softirq + steal
    return busy, busy + idle + iowait


def reaped(pid: int) -> int:
    """cutime + cstime of a process: the CPU of its children that have exited and been waited for."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    rest = stat[stat.rfind(")") + 2 :].split()
    return int(rest[13]) + int(rest[14])


def processes() -> dict[int, tuple[int, int, str]]:
    """pid -> (ppid, utime + stime jiffies, command line)."""
    out: dict[int, tuple[int, int, str]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
            cmd = (
                Path(f"/proc/{entry.name}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            )
        except OSError:
            continue
        rest = stat[stat.rfind(")") + 2 :].split()
        out[int(entry.name)] = (int(rest[1]), int(rest[11]) + int(rest[12]), cmd.strip())
    return out


def snapshot(shell_pid: int, gunicorn_pid: int) -> dict:
    busy, total = machine()
    return {
        "at": time.monotonic(),
        "busy": busy,
        "total": total,
        "reaped": reaped(shell_pid),
        "gunicorn_reaped": reaped(gunicorn_pid),
        "procs": {str(pid): [ppid, jiffies, cmd] for pid, (ppid, jiffies, cmd) in processes().items()},
    }


def classify(procs: dict[int, tuple[int, int, str]], gunicorn_pid: int) -> dict[int, str]:
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    kinds: dict[int, str] = {}
    stack = [gunicorn_pid]
    while stack:
        pid = stack.pop()
        kinds[pid] = "gunicorn"
        stack.extend(children.get(pid, []))
    for pid, (_, _, cmd) in procs.items():
        if pid in kinds:
            continue
        if cmd.startswith("postgres:") and " kavi_bench " in f"{cmd} ":
            kinds[pid] = "postgres"
        elif cmd.startswith("redis-server"):
            kinds[pid] = "redis"
        elif cmd.split(" ", 1)[0].endswith("wrk"):
            kinds[pid] = "wrk"
    return kinds


def usage(before: dict, gunicorn_pid: int, shell_pid: int) -> dict:
    busy, total = machine()
    children_done = reaped(shell_pid) - before["reaped"]
    now = processes()
    elapsed_total = max(1, total - before["total"])
    kinds = classify(now, gunicorn_pid)
    spent = {"gunicorn": 0, "postgres": 0, "redis": 0, "wrk": 0}
    for pid, (_, jiffies, _) in now.items():
        kind = kinds.get(pid)
        if kind is None:
            continue
        old = before["procs"].get(str(pid))
        spent[kind] += jiffies - (old[1] if old else 0)
    spent["wrk"] += children_done
    # Workers that exited meanwhile (recycled after max_requests) were reaped by the master, whose
    # children counters now hold their whole lifetime; the part before the snapshot is not ours.
    spent["gunicorn"] += reaped(gunicorn_pid) - before["gunicorn_reaped"]
    for pid, (ppid, jiffies, _) in before["procs"].items():
        if ppid == gunicorn_pid and int(pid) not in now:
            spent["gunicorn"] -= jiffies
    machine_busy = busy - before["busy"]
    ours = sum(spent.values())
    result = {f"{k}_pct": round(100 * v / elapsed_total, 1) for k, v in spent.items()}
    result["machine_busy_pct"] = round(100 * machine_busy / elapsed_total, 1)
    result["foreign_pct"] = round(100 * max(0, machine_busy - ours) / elapsed_total, 1)
    return result


def wait_quiet(below: float, timeout: float) -> None:
    """Waits until the machine was busy less than `below` (fraction of all cores) over 2 seconds."""
    started = time.monotonic()
    while True:
        busy0, total0 = machine()
        time.sleep(2)
        busy1, total1 = machine()
        share = (busy1 - busy0) / max(1, total1 - total0)
        waited = time.monotonic() - started
        if share < below:
            if waited > 3:
                print(f"   (waited {waited:.0f}s for the machine to quieten: now {share:.0%} busy)")
            return
        if waited >= timeout:
            print(f"   warning: the machine is still {share:.0%} busy after {waited:.0f}s; measuring anyway")
            return


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    command = argv[0]
    if command == "wait-quiet":
        below, timeout = 0.25, 90.0
        args = argv[1:]
        if "--below" in args:
            below = float(args[args.index("--below") + 1])
        if "--timeout" in args:
            timeout = float(args[args.index("--timeout") + 1])
        wait_quiet(below, timeout)
        return 0
    if command == "start":
        Path(argv[1]).write_text(json.dumps(snapshot(int(argv[2]), int(argv[3]))))
        return 0
    if command == "stop":
        before = json.loads(Path(argv[1]).read_text())
        print(json.dumps(usage(before, int(argv[2]), int(argv[3]))))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
