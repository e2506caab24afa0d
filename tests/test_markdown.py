"""`diagnose -o md`: a Markdown incident report for every scenario, built only from the diagnosis."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SCENARIOS, run_cli

SCENARIO_DIRS = sorted(p for p in SCENARIOS.iterdir() if (p / "snapshot").is_dir())


@pytest.mark.parametrize("scenario", SCENARIO_DIRS, ids=lambda p: p.name)
def test_report_for_every_scenario_is_traceable(scenario: Path) -> None:
    md = run_cli("diagnose", "--from", str(scenario / "snapshot"), "-o", "md")
    doc = json.loads(run_cli("diagnose", "--from", str(scenario / "snapshot"), "-o", "json").stdout)
    assert md.returncode in (0, 1), md.stderr
    text = md.stdout
    assert text.startswith("# Incident report: ")
    for section in ("## Summary", "## Impact", "## Timeline"):
        assert section in text
    for cause in doc["rootCauses"]:
        subject = cause["subject"]
        ref = f"{subject['kind']}/{subject.get('namespace', '')}/{subject['name']}"
        assert f"**{cause['id']}**" in text and f"`{ref}`" in text
        for evidence in cause["evidence"]:
            assert evidence["text"].replace("|", "\\|").replace("\n", " ")[:60] in text
        for key in cause["explains"]:
            assert f"`{key}`" in text
        if cause["fix"]:
            assert cause["fix"] in text
    for entry in doc["notChecked"]:
        assert entry["what"].replace("|", "\\|") in text
    if doc["rootCauses"]:
        assert "## Cascade" in text
    else:
        assert "## Root cause" not in text
    # "checked and not the cause" names only rules that produced no finding and were not skipped
    fired = {f["id"] for f in doc["rootCauses"]} | {
        f.get("type", f.get("id")) for f in doc["symptoms"] + doc["hazards"]
    }
    ruled_out = text.split("## Checked and not the cause", 1)[1].split("\n## ", 1)[0] if "## Checked" in text else ""
    for rule_id in fired:
        assert f"- `{rule_id}`:" not in ruled_out
