"""Gunicorn settings, all from the environment, so one image fits every task size."""

import json
import os
import urllib.request


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = f"0.0.0.0:{_int('PORT', 8000)}"
# gthread: 2 processes x 4 threads fits a 0.5 vCPU / 1 GB Fargate task; raise both with the task.
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", 2)
threads = _int("GUNICORN_THREADS", 4)
# Gemini and ElevenLabs calls can take a while; the ALB and CloudFront wait 60 s.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Longer than the ALB's 60 s idle timeout, so the ALB, not Gunicorn, closes idle connections
# (otherwise it can send a request down a socket Gunicorn just closed, and answer 502).
keepalive = _int("GUNICORN_KEEPALIVE", 75)
# Recycle workers now and then so a slow leak can't grow without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 2000)
# The root file system is read-only on ECS; the workers' heartbeat files go to memory.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - tmpfs, by design
# Access log to stdout, one line per request, for CloudWatch.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# Only the ALB can reach port 8000 (its security group is the only source), so trust its headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")


def ecs_task_addresses() -> list[str]:
    """The task's own private IPs, from the ECS task metadata endpoint (empty elsewhere)."""
    base = os.environ.get("ECS_CONTAINER_METADATA_URI_V4")
    if not base:
        return []
    try:
        with urllib.request.urlopen(f"{base}/task", timeout=2) as response:  # noqa: S310 - ECS's local endpoint
            task = json.load(response)
    except (OSError, ValueError):
        return []
    return [
        address
        for container in task.get("Containers", [])
        for network in container.get("Networks", [])
        for address in network.get("IPv4Addresses", [])
    ]


# The ALB's health checks reach each task by its private IP and send that IP as the Host header,
# which Django would refuse (400) unless it is in ALLOWED_HOSTS. Settings are read when the
# workers import the app, after this file runs, so adding the task's own addresses here is enough.
_allowed = os.environ.get("ALLOWED_HOSTS")
if _allowed:
    _extra = [a for a in ecs_task_addresses() if a not in _allowed.split(",")]
    if _extra:
        os.environ["ALLOWED_HOSTS"] = ",".join([_allowed, *_extra])
