"""The pre-commit hook and the GitHub Action call commands and options that exist."""

from __future__ import annotations

import yaml

from .conftest import ROOT, run_cli


def test_pre_commit_hook_runs_the_lint_command() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = hooks[0]
    assert hook["id"] == "firstdomino-lint" and hook["entry"] == "firstdomino lint"
    proc = run_cli("lint", *hook["args"], "--exit-zero")
    assert proc.returncode == 0, proc.stderr


def test_action_uses_existing_options() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    steps = " ".join(s.get("run", "") for s in action["runs"]["steps"])
    assert "-o sarif" in steps and "--fail-on" in steps and "--exit-zero" in steps
    help_text = run_cli("lint", "--help").stdout
    for option in ("--output", "--fail-on", "--exit-zero"):
        assert option in help_text
