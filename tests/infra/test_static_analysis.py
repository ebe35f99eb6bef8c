"""The linters and scanners over the deployment files: cfn-lint, checkov, hadolint,
check-jsonschema (compose and workflows), bash -n and shellcheck. None needs AWS or Docker."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from . import cfn

ROOT = cfn.ROOT
BIN = Path(sys.executable).parent
CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"
STACK_FILES = sorted(cfn.STACKS.glob("*.yml"))
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def run(*args, timeout=300):
    return subprocess.run(
        [str(a) for a in args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_every_stack_is_in_the_deploy_order():
    assert sorted(p.stem for p in STACK_FILES) == sorted(cfn.STACK_ORDER)


def test_cfn_lint_finds_nothing():
    out = run(sys.executable, "-m", "cfnlint", "--format", "json", *STACK_FILES)
    findings = json.loads(out.stdout or "[]")
    assert findings == [], "\n".join(
        f"{f['Rule']['Id']} {f['Filename']}:{f['Location']['Start']['LineNumber']} {f['Message']}"
        for f in findings
    )


def test_cfn_lint_suppressions_give_a_reason():
    for path in STACK_FILES:
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines):
            if "ignore_checks" in line:
                for item in lines[number + 1 :]:
                    if not item.strip().startswith("- "):
                        break
                    assert re.search(r"#\s*\S{3,}", item), (
                        f"{path.name}:{number + 1} ignores {item.strip()} without a reason"
                    )


@pytest.fixture(scope="module")
def checkov_reports():
    """One checkov run over every framework (it is the slow scanner)."""
    if not CHECKOV.exists():
        pytest.fail(
            f"{CHECKOV.relative_to(ROOT)} is missing: run `make install` (it creates the checkov venv)"
        )
    files = [ROOT / "Dockerfile", *WORKFLOWS, *STACK_FILES]
    args = [a for f in files for a in ("-f", f.relative_to(ROOT))]
    out = run(
        CHECKOV,
        *args,
        "--framework",
        "cloudformation",
        "dockerfile",
        "github_actions",
        "--skip-download",
        "--compact",
        "--quiet",
        "-o",
        "json",
    )
    assert out.stdout.strip(), out.stderr[-3000:]
    reports = json.loads(out.stdout)
    return {r["check_type"]: r for r in (reports if isinstance(reports, list) else [reports])}


def test_checkov_scanned_every_framework(checkov_reports):
    assert set(checkov_reports) == {"cloudformation", "dockerfile", "github_actions"}
    for framework, report in checkov_reports.items():
        assert report["summary"]["passed"] > 0, framework
        assert report["summary"]["parsing_errors"] == 0, framework


def test_checkov_has_no_failed_check(checkov_reports):
    failed = [
        f"{f['check_id']} {f['resource']} ({f['file_path']}): {f['check_name']}"
        for report in checkov_reports.values()
        for f in report["results"].get("failed_checks", [])
    ]
    assert failed == []


def test_every_checkov_skip_gives_a_reason():
    skips = 0
    for path in STACK_FILES:
        for name, resource in cfn.load(path)["Resources"].items():
            for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
                skips += 1
                assert re.fullmatch(r"CKV2?_AWS_\d+", skip["id"]), (path.name, name)
                assert len(skip.get("comment", "").split()) >= 8, (
                    f"{path.name} {name} skips {skip['id']} without a reason"
                )
    for path in [ROOT / "Dockerfile", *WORKFLOWS]:
        for line in path.read_text().splitlines():
            match = re.search(r"checkov:skip=(\S+?)(?::(.*))?$", line)
            if match:
                skips += 1
                assert match.group(2) and len(match.group(2).split()) >= 4, f"{path.name}: {line.strip()}"
    assert skips <= 6, "each skip is a decision; more than a handful means the templates need work"


def test_hadolint_finds_nothing():
    out = run(BIN / "hadolint", "Dockerfile")
    assert out.returncode == 0 and not out.stdout.strip(), out.stdout + out.stderr
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if "hadolint ignore=" in line:
            assert re.search(r"hadolint ignore=\S+\s+\S.{8,}", line), (
                f"an inline ignore needs a reason: {line}"
            )


def test_compose_file_matches_the_compose_spec():
    out = run(
        sys.executable,
        "-m",
        "check_jsonschema",
        "--builtin-schema",
        "vendor.compose-spec",
        "docker-compose.yml",
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_workflows_match_the_github_workflow_schema():
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "deploy.yml"}
    out = run(
        sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", *WORKFLOWS
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_deploy_script_parses():
    out = run("bash", "-n", "infra/deploy.sh")
    assert out.returncode == 0, out.stderr


def test_deploy_script_passes_shellcheck():
    shellcheck = ROOT / ".venv-checkov" / "bin" / "shellcheck"
    found = str(shellcheck) if shellcheck.exists() else shutil.which("shellcheck")
    if not found:
        pytest.skip("shellcheck is not installed (make install puts it in .venv-checkov)")
    out = run(found, "--severity=style", "infra/deploy.sh")
    assert out.returncode == 0, out.stdout
