"""The GitHub Actions workflows: test with real services, build once, deploy with OIDC, gate production."""

import re

import yaml

from . import cfn

WORKFLOWS = {
    p.name: yaml.safe_load(p.read_text()) for p in (cfn.ROOT / ".github" / "workflows").glob("*.yml")
}
TEXT = {p.name: p.read_text() for p in (cfn.ROOT / ".github" / "workflows").glob("*.yml")}


def _steps(job):
    return job.get("steps", [])


def _triggers(workflow):
    # PyYAML reads the key `on` as True.
    return workflow.get("on", workflow.get(True))


def test_every_action_is_pinned_to_a_release():
    for name, text in TEXT.items():
        for action in re.findall(r"uses:\s*(\S+)", text):
            if action.startswith("./"):
                continue
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})", action), (
                f"{name}: {action}"
            )


def test_no_long_lived_aws_keys():
    for name, text in TEXT.items():
        assert "aws-access-key-id" not in text and "aws-secret-access-key" not in text, name
        assert not re.search(r"secrets\.AWS_", text), name
    for name, workflow in WORKFLOWS.items():
        assert workflow["permissions"] == {"contents": "read"}, name
        for job_name, job in workflow["jobs"].items():
            for step in _steps(job):
                if step.get("uses", "").startswith("aws-actions/configure-aws-credentials"):
                    assert step["with"]["role-to-assume"].startswith("${{ vars."), job_name
                    assert job["permissions"]["id-token"] == "write", job_name


def test_tests_run_lint_and_suite_against_postgres_and_redis():
    test = WORKFLOWS["ci.yml"]["jobs"]["test"]
    assert test["services"]["postgres"]["image"].startswith("postgres:15")
    assert test["services"]["redis"]["image"].startswith("redis:7")
    assert test["env"]["DATABASE_URL"].startswith("postgres://") and test["env"]["REDIS_URL"].startswith(
        "redis://"
    )
    commands = [step.get("run", "") for step in _steps(test)]
    assert "make install" in commands and "make lint" in commands
    assert any(c.startswith("make test") for c in commands)
    assert set(_triggers(WORKFLOWS["ci.yml"])) >= {"pull_request", "workflow_call"}


def test_deploy_builds_once_then_staging_then_production_after_approval():
    deploy = WORKFLOWS["deploy.yml"]
    assert _triggers(deploy)["push"] == {"branches": ["main"]}
    jobs = deploy["jobs"]
    assert jobs["test"]["uses"] == "./.github/workflows/ci.yml"
    assert jobs["build"]["needs"] == "test"
    assert jobs["deploy-staging"]["needs"] == "build"
    assert jobs["deploy-production"]["needs"] == "deploy-staging"
    assert jobs["deploy-staging"]["environment"]["name"] == "staging"
    # Required reviewers are a setting of this GitHub environment (infra/README.md).
    assert jobs["deploy-production"]["environment"]["name"] == "production"
    build = jobs["build"]
    (push,) = [s for s in _steps(build) if s.get("uses", "").startswith("docker/build-push-action")]
    assert push["with"]["push"] is True and push["with"]["tags"].endswith("/kavi:${{ github.sha }}")
    for name in ("deploy-staging", "deploy-production"):
        job = jobs[name]
        assert job["env"]["IMAGE_TAG"] == "${{ github.sha }}", "both environments get the image built once"
        assert job["env"]["ENVIRONMENT"] == name.removeprefix("deploy-")
        runs = [s.get("run") for s in _steps(job) if "run" in s]
        assert runs == ["infra/deploy.sh infra", "infra/deploy.sh release"]
    assert deploy["concurrency"]["cancel-in-progress"] is False


def test_no_untrusted_input_is_spliced_into_a_shell():
    for name, workflow in WORKFLOWS.items():
        for job in workflow["jobs"].values():
            for step in _steps(job):
                assert "${{" not in step.get("run", ""), f"{name}: pass values through env, not into run:"
