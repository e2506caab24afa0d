"""`firstdomino lint` on repository fixtures (tests/lint/<name>/{repo/, expected.json}), SARIF shape, suppression."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from firstdomino.lint import lint
from firstdomino.lint.registry import LINT_BY_ID
from firstdomino.lint.runner import parse_config
from firstdomino.sources import load_repository

from .conftest import ROOT, run_cli

LINT = ROOT / "tests" / "lint"


def _cases() -> list[Any]:
    return [pytest.param(d, id=d.name) for d in sorted(LINT.iterdir()) if (d / "expected.json").is_file()]


def _matches(found: dict[str, Any], want: dict[str, Any]) -> bool:
    subject = found.get("subject") or {}
    return (
        found["id"] == want["id"]
        and found["path"] == want["path"]
        and ("line" not in want or found["line"] == want["line"])
        and (
            "subject" not in want
            or f"{subject.get('kind')}/{subject.get('namespace')}/{subject.get('name')}" == want["subject"]
        )
    )


@pytest.mark.parametrize("folder", _cases())
def test_lint_finds_exactly_the_expected_findings(folder: Path) -> None:
    expected = json.loads((folder / "expected.json").read_text())
    proc = run_cli("lint", str(folder / "repo"), "-o", "json")
    assert "Traceback" not in proc.stderr
    out = json.loads(proc.stdout)
    assert out["schema"] == "firstdomino.dev/lint/v1"
    findings = out["findings"]
    for want in expected["findings"]:
        assert any(_matches(f, want) for f in findings), f"missing {want}: {findings}"
    assert len(findings) == len(expected["findings"]), findings
    assert out["suppressed"] == expected.get("suppressed", 0)
    assert proc.returncode == (1 if any(f["severity"] in ("high", "critical") for f in findings) else 0)


def test_sarif_is_well_formed_for_code_scanning() -> None:
    proc = run_cli("lint", str(LINT / "hazards" / "repo"), "-o", "sarif", "--exit-zero")
    assert proc.returncode == 0
    sarif = json.loads(proc.stdout)
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids == sorted(set(ids))
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        location = result["locations"][0]["physicalLocation"]
        assert not location["artifactLocation"]["uri"].startswith("/")
        assert location["region"]["startLine"] >= 1
        assert len(result["partialFingerprints"]["firstdominoFinding/v1"]) == 32
    fingerprints = [r["partialFingerprints"]["firstdominoFinding/v1"] for r in run["results"]]
    assert len(set(fingerprints)) == len(fingerprints), "stable and distinct per finding"
    again = json.loads(run_cli("lint", str(LINT / "hazards" / "repo"), "-o", "sarif", "--exit-zero").stdout)
    assert again == sarif, "deterministic"


def test_lint_rules_are_documented_and_explainable() -> None:
    for rule_id, rule in LINT_BY_ID.items():
        for section in ("What it detects:", "Why it matters:", "Example:", "Fix:", "References:"):
            assert section in rule.doc, (rule_id, section)
        assert "lint" in run_cli("explain", rule_id).stdout


def test_config_is_strict_and_needs_reasons() -> None:
    suppressions, problems = parse_config(
        {"ignore": [{"id": "netpol/allow-all", "reason": "stock Flux"}, {"id": "netpol/allow-all"}], "typo": 1}
    )
    assert [s.id for s in suppressions] == ["netpol/allow-all"]
    messages = " ".join(p.message for p in problems)
    assert "unknown key 'typo'" in messages and "needs an `id` and a `reason`" in messages


def test_config_file_suppresses_by_path_and_name(tmp_path: Path) -> None:
    (tmp_path / "np.yaml").write_text(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: open, namespace: a}\n"
        "spec:\n  podSelector: {}\n  ingress:\n    - {}\n"
    )
    (tmp_path / ".firstdomino.yaml").write_text(
        "ignore:\n  - id: netpol/allow-all\n    path: '*.yaml'\n    name: open\n    reason: lab namespace\n"
    )
    out = json.loads(run_cli("lint", str(tmp_path), "-o", "json").stdout)
    assert out["findings"] == [] and out["suppressed"] == 1


def test_a_crashing_lint_rule_is_isolated(tmp_path: Path) -> None:
    from firstdomino.lint.rule import LintRule
    from firstdomino.model.severity import Severity

    def boom(repo: object) -> list[object]:
        raise KeyError("surprise")

    rule = LintRule("test/boom", "boom", Severity.LOW, boom, __name__)  # type: ignore[arg-type]
    result = lint(load_repository(LINT / "linked-safe" / "repo"), rules=[rule])
    assert any("test/boom" in n.what for n in result.not_checked)


def test_lint_a_git_revision(tmp_path: Path) -> None:
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-C", str(tmp_path), *args],
            check=True,
            capture_output=True,
            env={
                "GIT_AUTHOR_NAME": "t",
                "GIT_AUTHOR_EMAIL": "t@t",
                "GIT_COMMITTER_NAME": "t",
                "GIT_COMMITTER_EMAIL": "t@t",
                "HOME": str(tmp_path),
                "PATH": "/usr/bin:/bin",
            },
        )

    git("init", "-q")
    policy = tmp_path / "np.yaml"
    policy.write_text(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: open, namespace: a}\n"
        "spec:\n  podSelector: {}\n  ingress:\n    - {}\n"
    )
    git("add", "-A")
    git("commit", "-qm", "open")
    policy.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine, namespace: a}\n")
    assert json.loads(run_cli("lint", str(tmp_path), "-o", "json").stdout)["findings"] == []
    at_head = json.loads(run_cli("lint", str(tmp_path), "--rev", "HEAD", "-o", "json").stdout)
    assert [f["id"] for f in at_head["findings"]] == ["netpol/allow-all"]
    assert at_head["findings"][0]["path"] == "np.yaml"
    bad = run_cli("lint", str(tmp_path), "--rev", "no-such-branch")
    assert bad.returncode == 2 and "cannot read revision" in bad.stderr


SARIF_SCHEMA = (
    ROOT / ".ci" / "node" / "node_modules" / "@microsoft" / "jest-sarif" / "lib" / "schemas" / "sarif-2.1.0-rtm.5.json"
)


def test_sarif_validates_against_the_sarif_2_1_0_schema() -> None:
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"{SARIF_SCHEMA} absent: `.ci/run` installs it (npm @microsoft/jest-sarif)")
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text())
    validator = jsonschema.Draft4Validator(schema)
    for case in ("hazards", "incident-004-divergent", "terraform-incident-001", "linked-safe"):
        sarif = json.loads(run_cli("lint", str(LINT / case / "repo"), "-o", "sarif", "--exit-zero").stdout)
        errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(sarif)]
        assert not errors, (case, errors[:5])
