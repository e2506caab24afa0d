"""The live source end to end: the real CLI, a real kubeconfig, HTTPS to the API-server double."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import trustme

from tests.apiserver import Double, load_store, write_kubeconfig
from tests.conftest import SCENARIOS, run_cli

SCENARIO_DIRS = sorted(p for p in SCENARIOS.iterdir() if (p / "snapshot").is_dir())


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def server_cert(ca: trustme.CA) -> Any:
    return ca.issue_cert("127.0.0.1", "localhost")


def live_cli(kubeconfig: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, "--kubeconfig", str(kubeconfig), timeout=timeout)


def _uncollected_entries(live: dict[str, Any], offline_kinds: set[str]) -> list[dict[str, str]]:
    """notChecked entries the live read adds for kinds the snapshot never had: the double answers 403
    for built-in kinds and does not serve CRDs the snapshot lacks, and says so in notChecked."""
    out = []
    for entry in live["notChecked"]:
        if entry["what"] == "kinds not served by this cluster" or entry["what"] in offline_kinds:
            out.append(entry)
    return out


@pytest.mark.parametrize("scenario", SCENARIO_DIRS, ids=lambda p: p.name)
def test_live_equals_offline(scenario: Path, tmp_path: Path, ca: trustme.CA, server_cert: Any) -> None:
    snap = scenario / "snapshot"
    store = load_store(snap)
    with Double(store, tls=server_cert) as double:
        kubeconfig = write_kubeconfig(
            tmp_path / "kubeconfig", double.url, ca.cert_pem.bytes(), context=store.context or "test"
        )
        live = live_cli(kubeconfig, "diagnose", "-o", "json")
    assert "Traceback" not in live.stderr, live.stderr
    offline = run_cli("diagnose", "--from", str(snap), "-o", "json")
    assert live.returncode == offline.returncode, live.stderr
    live_doc, offline_doc = json.loads(live.stdout), json.loads(offline.stdout)
    uncollected = {k for k in _kinds() if k not in store.collected}
    extra = _uncollected_entries(live_doc, uncollected)
    for entry in extra:
        assert entry["what"] == "kinds not served by this cluster" or "forbidden (403)" in entry["why"], entry
    live_doc["notChecked"] = [e for e in live_doc["notChecked"] if e not in extra]
    assert live_doc == offline_doc


def _kinds() -> set[str]:
    from tests.apiserver import KINDS

    return set(KINDS)
