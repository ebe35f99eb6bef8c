"""infra/deploy.sh against a stand-in `aws` (and `docker`) on PATH that records each call and
answers from a table, so the order of the steps and the failure paths are checked offline."""

import json
import os
import stat
import subprocess
import sys
import textwrap

import pytest

from . import cfn

ROOT = cfn.ROOT

FAKE_AWS = textwrap.dedent(
    """\
    #!{python}
    import json, os, re, sys
    args = sys.argv[1:]
    with open(os.environ["FAKE_LOG"], "a") as log:
        log.write(json.dumps([os.path.basename(sys.argv[0]), *args]) + "\\n")
    if os.path.basename(sys.argv[0]) == "docker":
        if "--password-stdin" in args:
            sys.stdin.read()  # as the real one does; exiting unread can break the writer's pipe
        sys.exit(0)
    text = " ".join(args)
    outputs = {{
        ("kavi-shared", "CloudFormationExecutionRoleArn"): "arn:aws:iam::123456789012:role/kavi-cloudformation-execution",
        ("kavi-shared", "RepositoryUri"): "123456789012.dkr.ecr.eu-west-1.amazonaws.com/kavi",
        ("kavi-production-app", "ClusterName"): "kavi-production",
        ("kavi-production-app", "MigrateTaskDefinitionArn"): "arn:aws:ecs:eu-west-1:123456789012:task-definition/kavi-production-migrate:7",
        ("kavi-production-app", "AppLogGroupName"): "/kavi/production/app",
        ("kavi-production-storage", "StaticBucketName"): "kavi-production-static-123456789012",
        ("kavi-production-cdn", "DistributionId"): "E2EXAMPLE",
    }}
    exports = {{
        "kavi-production-PrivateSubnetIds": "subnet-a,subnet-b",
        "kavi-production-AppSecurityGroupId": "sg-app",
    }}
    def stack():
        return args[args.index("--stack-name") + 1]
    if args[:2] == ["cloudformation", "describe-stacks"]:
        key = re.search(r"OutputKey=='(\\w+)'", text)
        if key:
            print(outputs.get((stack(), key.group(1)), "None"))
        elif "ParameterKey=='ImageTag'" in text:
            print(os.environ.get("FAKE_RUNNING_TAG", "None"))
        sys.exit(0)
    if args[:2] == ["cloudformation", "list-exports"]:
        print(exports.get(re.search(r"Name=='([\\w-]+)'", text).group(1), "None"))
    elif args[:2] == ["ecs", "run-task"]:
        print("arn:aws:ecs:eu-west-1:123456789012:task/kavi-production/abc123")
    elif args[:2] == ["ecs", "describe-tasks"] and "exitCode" in text:
        print(os.environ.get("FAKE_MIGRATE_EXIT", "0"))
    elif args[:2] == ["ecr", "describe-images"]:
        sys.exit(0 if os.environ.get("FAKE_IMAGE_EXISTS") else 254)
    elif args[:2] == ["ecr", "get-login-password"]:
        print("password")
    elif args[:2] == ["cloudfront", "create-invalidation"]:
        print("I2EXAMPLE")
    """
)

RELEASE_ENV = {
    "AWS_REGION": "eu-west-1",
    "ENVIRONMENT": "production",
    "IMAGE_TAG": "newtag",
    "APP_DOMAIN": "app.kavi.example",
    "ORIGIN_DOMAIN": "origin.kavi.example",
    "CERTIFICATE_ARN": "arn:aws:acm:eu-west-1:123456789012:certificate/origin",
    "CLOUDFRONT_CERTIFICATE_ARN": "arn:aws:acm:us-east-1:123456789012:certificate/app",
}


@pytest.fixture
def deploy(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # deploy-python stands in for the interpreter that runs infra/upload_web.py (tested against
    # moto in test_upload_web.py); here only the call and its place in the order matter.
    for tool in ("aws", "docker", "deploy-python"):
        script = bin_dir / tool
        script.write_text(FAKE_AWS.format(python=sys.executable))
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    for name in ("index.html", "sw.js", "manifest.webmanifest", "assets/index-abc123.js"):
        (dist / name).write_text("x")
    log = tmp_path / "calls.jsonl"

    def run(command, **env):
        base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ENVIRONMENT", "IMAGE_TAG"))}
        full = {
            **base,
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "FAKE_LOG": str(log),
            "FRONTEND_DIST": str(dist),
            "DEPLOY_PYTHON": str(bin_dir / "deploy-python"),
            **env,
        }
        log.write_text("")
        out = subprocess.run(
            ["bash", "infra/deploy.sh", command],  # noqa: S607 - bash from PATH, as CI runs it
            cwd=ROOT,
            env=full,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        calls = [json.loads(line) for line in log.read_text().splitlines()]
        return out, calls

    return run


def _deploys(calls):
    """(stack, {parameter: value}) for each `aws cloudformation deploy`, in order."""
    found = []
    for call in calls:
        if call[1:3] == ["cloudformation", "deploy"]:
            stack = call[call.index("--stack-name") + 1]
            params = dict(p.split("=", 1) for p in call[call.index("--parameter-overrides") + 1 :])
            assert "--no-fail-on-empty-changeset" in call, stack
            found.append((stack, params, call))
    return found


def test_infra_deploys_the_foundation_stacks_in_dependency_order(deploy):
    out, calls = deploy("infra", **RELEASE_ENV)
    assert out.returncode == 0, out.stderr
    deploys = _deploys(calls)
    assert [stack for stack, _, _ in deploys] == [
        "kavi-production-network",
        "kavi-production-security",
        "kavi-production-data",
        "kavi-production-storage",
    ]
    assert deploys[0][1]["NatGateways"] == "2", "one NAT gateway per zone unless asked otherwise"
    assert deploys[2][1]["EnableRedis"] == "true"
    for _, _, call in deploys:
        assert call[call.index("--role-arn") + 1].endswith(":role/kavi-cloudformation-execution")
    assert "==> Deploying stack kavi-production-network" in out.stdout


def test_release_migrates_before_the_service_moves_then_publishes_the_web_app(deploy):
    out, calls = deploy("release", FAKE_RUNNING_TAG="oldtag", **RELEASE_ENV)
    assert out.returncode == 0, out.stderr
    deploys = _deploys(calls)
    assert [stack for stack, _, _ in deploys] == [
        "kavi-production-app",
        "kavi-production-app",
        "kavi-production-cdn",
        "kavi-production-monitoring",
    ]
    first, second = deploys[0][1], deploys[1][1]
    assert (first["ImageTag"], first["MigrationImageTag"]) == ("oldtag", "newtag")
    assert (second["ImageTag"], second["MigrationImageTag"]) == ("newtag", "newtag")

    verbs = [" ".join(c[1:3]) for c in calls]
    run_task = verbs.index("ecs run-task")
    assert (
        verbs.index("cloudformation deploy")
        < run_task
        < verbs.index("ecs wait")
        < len(verbs) - verbs[::-1].index("cloudformation deploy")
    )
    task = calls[run_task]
    assert task[task.index("--task-definition") + 1].endswith("kavi-production-migrate:7")
    assert "assignPublicIp=DISABLED" in task[task.index("--network-configuration") + 1]
    assert "subnets=[subnet-a,subnet-b]" in task[task.index("--network-configuration") + 1]

    (upload,) = [i for i, c in enumerate(calls) if c[:2] == ["deploy-python", "infra/upload_web.py"]]
    args = calls[upload]
    assert args[args.index("--bucket") + 1] == "kavi-production-static-123456789012"
    assert args[args.index("--dist") + 1].endswith("/dist")
    assert upload > verbs.index("ecs wait"), "the web app goes up after the service moved"
    assert upload < verbs.index("cloudfront create-invalidation")
    assert verbs[-2:] == ["cloudfront create-invalidation", "cloudfront wait"]


def test_release_stops_when_the_migration_fails(deploy):
    out, calls = deploy("release", FAKE_RUNNING_TAG="oldtag", FAKE_MIGRATE_EXIT="1", **RELEASE_ENV)
    assert out.returncode != 0
    assert "migrations failed (exit code 1)" in out.stderr
    deploys = _deploys(calls)
    assert [stack for stack, _, _ in deploys] == ["kavi-production-app"]
    assert deploys[0][1]["ImageTag"] == "oldtag", "the service never left the old image"
    assert not [c for c in calls if c[1] in {"s3", "cloudfront", "infra/upload_web.py"}]


def test_first_release_uses_the_new_image_for_both(deploy):
    out, calls = deploy("release", **RELEASE_ENV)
    assert out.returncode == 0, out.stderr
    first = _deploys(calls)[0][1]
    assert (first["ImageTag"], first["MigrationImageTag"]) == ("newtag", "newtag")


def test_image_is_built_and_pushed_once(deploy):
    env = {"AWS_REGION": "eu-west-1", "IMAGE_TAG": "newtag"}
    out, calls = deploy("image", **env)
    assert out.returncode == 0, out.stderr
    docker = [c[1:] for c in calls if c[0] == "docker"]
    image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/kavi:newtag"
    assert docker[0][:2] == ["build", "--pull"] and image in docker[0]
    assert docker[-1] == ["push", image]
    out, calls = deploy("image", FAKE_IMAGE_EXISTS="1", **env)
    assert out.returncode == 0 and "already in ECR" in out.stdout
    assert not [c for c in calls if c[0] == "docker"]


@pytest.mark.parametrize("missing", ["AWS_REGION", "ENVIRONMENT", "CERTIFICATE_ARN"])
def test_missing_settings_stop_the_release_before_any_change(deploy, missing):
    env = {k: v for k, v in RELEASE_ENV.items() if k != missing}
    out, calls = deploy("release", **env)
    assert out.returncode != 0 and f"set {missing}" in out.stderr
    assert not _deploys(calls)


def test_every_aws_call_is_printed_or_read_only():
    """Each changing step announces itself with a `log` line before it runs."""
    script = (ROOT / "infra" / "deploy.sh").read_text()
    assert script.startswith("#!/usr/bin/env bash") and "set -euo pipefail" in script
    lines = script.splitlines()
    for verb in (
        "run-task",
        "create-invalidation",
        "docker push",
        "docker build",
        "infra/upload_web.py --bucket",
    ):
        index = next(i for i, line in enumerate(lines) if verb in line)
        assert any(line.strip().startswith("log ") for line in lines[max(0, index - 8) : index]), verb
