"""Scenarios end to end: tests/scenarios/<name>/{snapshot/, expected.json}, the real CLI, JSON out.

expected.json: verdict, firstRootCause {id, subject} (or null), alsoRootCauses, mustExplain (objects the
first root cause's cascade covers), mustNotBlame (ids never a root cause here), healsAt (optional).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from firstdomino.diagnose import diagnose
from firstdomino.sources import load_snapshot

from .conftest import SCENARIOS, diagnose_json


def _scenarios() -> list[Any]:
    if not SCENARIOS.is_dir():
        return []
    return [pytest.param(d, id=d.name) for d in sorted(SCENARIOS.iterdir()) if (d / "expected.json").is_file()]


def _subject(ref: dict[str, str]) -> str:
    return f"{ref['kind']}/{ref['namespace']}/{ref['name']}"


def _snapshot_dir(folder: Path) -> Path:
    expected = json.loads((folder / "expected.json").read_text())
    return (folder / expected.get("snapshot", "snapshot")).resolve()


def _covered(root_key: str, folder: Path) -> set[str]:
    """Objects the root's cascade stands for: subjects, affected pods and explained refs of every finding."""
    snapshot = load_snapshot(_snapshot_dir(folder))
    result = diagnose(snapshot)
    keys = {root_key, *result.explains.get(root_key, ())}
    covered: set[str] = set()
    for finding in result.findings:
        if finding.key in keys:
            covered |= {str(r) for r in (finding.subject, *finding.affected, *finding.explains_refs)}
    return covered


@pytest.mark.parametrize("folder", _scenarios())
def test_scenario(folder: Path) -> None:
    expected = json.loads((folder / "expected.json").read_text())
    code, out = diagnose_json(_snapshot_dir(folder))
    assert out["schema"] == "firstdomino.dev/diagnosis/v1"
    assert out["verdict"] == expected["verdict"], json.dumps(out["rootCauses"], indent=1)[:3000]
    if expected["verdict"] == "stuck":
        assert code == 1
    elif expected["verdict"] == "healthy":
        assert code == 0
    roots = [(r["id"], _subject(r["subject"])) for r in out["rootCauses"]]
    first = expected.get("firstRootCause")
    if first is None:
        assert roots == [], roots
    else:
        assert roots, "no root cause found"
        assert roots[0] == (first["id"], first["subject"]), roots
        if "healsAt" in expected:
            assert out["rootCauses"][0]["healsAt"] == expected["healsAt"]
        covered = _covered(f"{first['id']}:{first['subject']}", folder)
        for ref in expected.get("mustExplain", []):
            assert ref in covered, f"{ref} is not folded under the first root cause"
    for also in expected.get("alsoRootCauses", []):
        assert (also["id"], also["subject"]) in roots, roots
    blamed = {r[0] for r in roots}
    for forbidden in expected.get("mustNotBlame", []):
        if first is not None and forbidden == first["id"]:
            continue
        assert forbidden not in blamed, f"{forbidden} must not be a root cause here: {roots}"


def test_the_four_incidents_and_at_least_six_more() -> None:
    names = [p.values[0].name for p in _scenarios()]
    assert sum(n.startswith("incident-") for n in names) == 4
    assert len(names) >= 10
