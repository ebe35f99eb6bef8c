"""The image, the compose stack, .env.example and gunicorn.conf.py, checked without Docker."""

import json
import os
import re
import subprocess
import sys

import pytest
import yaml

from tests.fakes.server import Reply

from . import cfn

ROOT = cfn.ROOT
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def _instructions():
    """(instruction, arguments) per Dockerfile line, with continuations joined."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            yield keyword.upper(), rest.strip()


def _stages():
    stages = []
    for keyword, rest in _instructions():
        if keyword == "FROM":
            image, _, name = rest.partition(" AS ")
            stages.append({"image": image, "name": name, "lines": []})
        else:
            stages[-1]["lines"].append((keyword, rest))
    return stages


def test_dockerfile_is_multi_stage_node_then_python_then_slim_runtime():
    stages = _stages()
    assert [s["name"] for s in stages] == ["frontend", "python-deps", "runtime"]
    assert re.fullmatch(r"node:20(\.\d+)*-(bookworm-)?slim", stages[0]["image"])
    for stage in stages[1:]:
        assert re.fullmatch(r"python:3\.11(\.\d+)*-slim(-bookworm)?", stage["image"])
    front = " ".join(rest for _, rest in stages[0]["lines"])
    assert "npm ci" in front and "npm run build" in front
    deps = " ".join(rest for _, rest in stages[1]["lines"])
    assert "pyproject.toml" in deps and "--prefix=/install" in deps


def test_images_are_pinned_by_tag():
    for stage in _stages():
        image = stage["image"]
        assert ":" in image and not image.endswith(":latest"), image
        assert re.search(r":\d+\.\d+", image), f"{image} should name at least a minor version"


def test_runtime_runs_as_a_non_root_user_with_a_healthcheck():
    runtime = _stages()[-1]["lines"]
    (user,) = [rest for keyword, rest in runtime if keyword == "USER"]
    assert user.split(":")[0] not in {"root", "0"}
    (healthcheck,) = [rest for keyword, rest in runtime if keyword == "HEALTHCHECK"]
    assert "/api/health/live/" in healthcheck  # needs the database, not Redis
    (cmd,) = [rest for keyword, rest in runtime if keyword == "CMD"]
    assert json.loads(cmd) == ["gunicorn", "--config", "gunicorn.conf.py", "fg_copilot.wsgi:application"]
    copied = [rest for keyword, rest in runtime if keyword == "COPY"]
    assert any("--from=frontend" in c and "frontend/dist" in c for c in copied)
    assert any("--from=python-deps" in c for c in copied)
    assert not any(c.startswith("tests") or " tests" in c for c in copied)


def test_collectstatic_runs_at_build_time_with_a_throwaway_key_only():
    runtime = _stages()[-1]["lines"]
    (collect,) = [rest for keyword, rest in runtime if keyword == "RUN" and "collectstatic" in rest]
    assert re.match(r"SECRET_KEY=\S+ python manage.py collectstatic --noinput", collect)
    # The throwaway key must not survive into the image's environment.
    for keyword, rest in _instructions():
        if keyword in {"ENV", "ARG"}:
            assert "SECRET_KEY" not in rest


def test_dockerignore_keeps_the_image_small_and_clean():
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".git", ".venv", "var", "tests", "frontend/node_modules", "frontend/dist", ".env"} <= ignored
    assert "**/__pycache__" in ignored


def test_compose_runs_web_after_migrate_against_postgres_and_redis():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert services["db"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    for name in ("db", "redis"):
        assert services[name]["healthcheck"]["test"], name
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert services["web"]["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }
    for name in ("web", "migrate"):
        assert services[name]["env_file"][0] == {"path": ".env.example"}, name
        assert services[name]["build"]["context"] == "."


SETTING = re.compile(r"env_(?:str|bool|int|float|list|optional)\(\s*\"([A-Z0-9_]+)\"")


def test_env_example_lists_every_setting_the_app_reads():
    read = set()
    for path in (ROOT / "fg_copilot" / "settings").glob("*.py"):
        read |= set(SETTING.findall(path.read_text()))
    example = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    }
    # Tuning knobs with sensible defaults that a deployment rarely touches.
    optional = {
        "CACHE_KEY_PREFIX",
        "CONN_MAX_AGE",
        "DB_POOL",
        "DB_SERVER_SIDE_BINDING",
        "USE_X_FORWARDED_HOST",
        "EMAIL_TIMEOUT",
        "GEMINI_BASE_URL",
        "GEMINI_TIMEOUT_SECONDS",
        "ELEVENLABS_BASE_URL",
        "ELEVENLABS_VOICE_ID",
        "ELEVENLABS_MODEL",
        "ELEVENLABS_SWAHILI_MODEL",
        "MPESA_BASE_URL",
        "MPESA_TIMEOUT_SECONDS",
        "THROTTLE_USER_RATE",
        "THROTTLE_ANON_RATE",
        "THROTTLE_KAVI_RATE",
        "JWT_ACCESS_MINUTES",
        "JWT_REFRESH_DAYS",
        "LOGIN_LOCKOUT_THRESHOLD",
        "LOGIN_LOCKOUT_MINUTES",
        "REPORT_CACHE_SECONDS",
        "IMPORT_MAX_BYTES",
        "API_MAX_JSON_BYTES",
        "INVITATION_TTL_DAYS",
        "AWS_DEFAULT_REGION",
        # Outage behaviour (docs/ARCHITECTURE.md): how long a dead database or Redis may cost a request.
        "DB_CONNECT_TIMEOUT",
        "DB_POOL_RECONNECT_TIMEOUT",
        "DB_HEALTH_CHECKS",
        "REDIS_CONNECT_TIMEOUT",
        "REDIS_SOCKET_TIMEOUT",
        # Idempotency-Key replays (core/idempotency.py): how long a key is kept, when a claim is stale.
        "IDEMPOTENCY_KEY_TTL_SECONDS",
        "IDEMPOTENCY_CLAIM_STALE_SECONDS",
        # Where the web app's build is served from (a second build, e.g. a parallel browser run).
        "FRONTEND_DIST",
    }
    assert read - optional - example == set()
    # No real secret is committed: the only SECRET_KEY is the local compose one.
    values = dict(
        line.split("=", 1)
        for line in (ROOT / ".env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )
    assert values["SECRET_KEY"].startswith("local-compose-only")
    for key in (
        "GEMINI_API_KEY",
        "ELEVENLABS_API_KEY",
        "MPESA_CONSUMER_SECRET",
        "MPESA_PASSKEY",
        "AWS_SECRET_ACCESS_KEY",
    ):
        assert values[key] == "", key


def _gunicorn_settings(env):
    script = (
        "import json, runpy; c = runpy.run_path('gunicorn.conf.py');"
        "import os; print(json.dumps({k: c[k] for k in ('bind', 'workers', 'threads', 'timeout', 'keepalive', 'accesslog', 'worker_class')}"
        " | {'ALLOWED_HOSTS': os.environ.get('ALLOWED_HOSTS')}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "ECS_", "ALLOWED_HOSTS"))}
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return json.loads(out.stdout)


def test_gunicorn_takes_its_sizes_from_the_environment():
    defaults = _gunicorn_settings({})
    assert (defaults["workers"], defaults["threads"], defaults["worker_class"]) == (2, 4, "gthread")
    assert defaults["bind"] == "0.0.0.0:8000" and defaults["accesslog"] == "-"
    assert defaults["keepalive"] > 60, "must outlive the ALB's 60 s idle timeout"
    tuned = _gunicorn_settings(
        {"GUNICORN_WORKERS": "3", "GUNICORN_THREADS": "8", "GUNICORN_TIMEOUT": "90", "PORT": "9000"}
    )
    assert (tuned["workers"], tuned["threads"], tuned["timeout"], tuned["bind"]) == (3, 8, 90, "0.0.0.0:9000")


@pytest.fixture
def ecs_metadata(fake_server):
    """A stand-in for the ECS task metadata endpoint on 127.0.0.1."""
    task = {
        "Containers": [
            {"Name": "web", "Networks": [{"NetworkMode": "awsvpc", "IPv4Addresses": ["10.0.10.37"]}]}
        ]
    }
    server = fake_server()
    server.route("GET", None, lambda request: Reply(200, task if request["path"].endswith("/task") else {}))
    return f"{server.url}/v4/container"


def test_gunicorn_lets_the_alb_health_check_in_by_task_ip(ecs_metadata):
    settings = _gunicorn_settings(
        {"ALLOWED_HOSTS": "app.kavi.co.ke", "ECS_CONTAINER_METADATA_URI_V4": ecs_metadata}
    )
    assert settings["ALLOWED_HOSTS"] == "app.kavi.co.ke,10.0.10.37"
    # Outside ECS nothing changes.
    assert _gunicorn_settings({"ALLOWED_HOSTS": "app.kavi.co.ke"})["ALLOWED_HOSTS"] == "app.kavi.co.ke"
