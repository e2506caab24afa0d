"""Per rule: a fixture folder with objects that fire and near-misses that must not; the rule runs alone
and we assert *which* subjects fire (tests/rules/<name>/{snapshot/, expect.json})."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from firstdomino.diagnose.context import Context
from firstdomino.diagnose.registry import BY_ID
from firstdomino.diagnose.runner import run_rules
from firstdomino.graph import build_graph
from firstdomino.sources import load_snapshot

from .conftest import RULE_FIXTURES


def _cases() -> list[object]:
    if not RULE_FIXTURES.is_dir():
        return []
    return [pytest.param(d, id=d.name) for d in sorted(RULE_FIXTURES.iterdir()) if (d / "expect.json").is_file()]


@pytest.mark.parametrize("folder", _cases())
def test_rule_fires_on_exactly_the_expected_subjects(folder: Path) -> None:
    expect = json.loads((folder / "expect.json").read_text())
    rule = BY_ID[expect["rule"]]
    snapshot = load_snapshot(folder / "snapshot")
    findings, skipped = run_rules(Context(snapshot, build_graph(snapshot)), [rule])
    assert not [s for s in skipped if "failed" in s.why], skipped
    fired = sorted(str(f.subject) for f in findings if f.id == rule.id)
    assert fired == sorted(expect["fires"])


def test_every_rule_has_a_firing_fixture() -> None:
    covered = set()
    for folder in RULE_FIXTURES.iterdir():
        if (folder / "expect.json").is_file():
            expect = json.loads((folder / "expect.json").read_text())
            if expect["fires"]:
                covered.add(expect["rule"])
    # client/stale-kubeconfig fires on a TLS failure of a live read, which no snapshot folder can hold:
    # tests/test_live_faults.py::test_wrong_ca_is_stale_kubeconfig_root_cause drives it over real HTTPS.
    missing = sorted(set(BY_ID) - covered - {"client/stale-kubeconfig"})
    assert not missing, f"rules without a firing fixture: {missing}"
