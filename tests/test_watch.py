"""`watch`: replays of a bootstrap (converging then healthy, stuck, a stale error that clears), and the
live loop against the API-server double (healthy, stuck, timeout, --record then --replay)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import trustme

from tests.apiserver import Double, load_store, write_kubeconfig
from tests.conftest import SCENARIOS, run_cli
from tests.watch_replays import captured_at, copy_step, make_ready, shift


def _watch(*args: str) -> tuple[int, dict[str, Any], str]:
    proc = run_cli("watch", *args, "-o", "json")
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout), proc.stderr


def test_converging_then_healthy(tmp_path: Path) -> None:
    copy_step("converging-fresh-cluster", tmp_path / "0")
    later = copy_step("converging-fresh-cluster", tmp_path / "1")
    when = shift(later, timedelta(minutes=5))
    make_ready(later, when - timedelta(minutes=1))
    code, doc, _ = _watch("--replay", str(tmp_path))
    assert code == 0 and doc["outcome"] == "healthy"
    assert [s["verdict"] for s in doc["steps"]] == ["converging", "healthy"]
    assert doc["steps"][0]["ready"] < doc["steps"][0]["total"] == doc["steps"][1]["ready"]
    assert "Deployment/kube-system/coredns" in doc["steps"][1]["becameReady"]
    assert doc["readyAt"]["Deployment/kube-system/coredns"]["afterSeconds"] == 300
    assert doc["readyAt"]["Node//talos-cp-1"]["afterSeconds"] == 0
    text = run_cli("watch", "--replay", str(tmp_path))
    assert text.returncode == 0
    assert "watch: HEALTHY after 2 step(s)" in text.stdout
    assert "ready after   5m00s  Deployment/kube-system/coredns" in text.stdout


def test_stuck_names_the_component_and_its_cause(tmp_path: Path) -> None:
    early = copy_step("stuck-image-pull", tmp_path / "0")
    shift(early, timedelta(minutes=-5))
    copy_step("stuck-image-pull", tmp_path / "1")
    code, doc, _ = _watch("--replay", str(tmp_path), "--stuck-after", "5m")
    assert code == 1 and doc["outcome"] == "stuck"
    assert len(doc["steps"]) == 2  # stuck at step 0, but only for 5 minutes at step 1
    assert doc["steps"][-1]["firstDomino"] == "pod/image-pull-failed Deployment/apps/payments-api"
    assert "Deployment/apps/payments-api" in doc["notReady"]
    text = run_cli("watch", "--replay", str(tmp_path))
    assert text.returncode == 1 and "watch: STUCK after 1 step(s)" in text.stdout
    assert "NOT READY            Deployment/apps/payments-api" in text.stdout


def test_stale_error_clears_when_its_timer_runs_out(tmp_path: Path) -> None:
    first = copy_step("argocd-manifest-error-cached", tmp_path / "0")
    code, doc, _ = _watch("--replay", str(tmp_path))
    heals = doc["final"]["rootCauses"] + doc["final"]["symptoms"]
    heals_at = next(c["healsAt"] for c in heals if c["id"] == "status/stale-error")
    assert code == 124 and doc["steps"][0]["verdict"] == "converging" and heals_at
    later = copy_step("argocd-manifest-error-cached", tmp_path / "1")
    when = shift(later, timedelta(minutes=26))
    assert when.strftime("%Y-%m-%dT%H:%M:%SZ") > heals_at > captured_at(first).strftime("%Y-%m-%dT%H:%M:%SZ")
    make_ready(later, when - timedelta(seconds=30))
    code, doc, _ = _watch("--replay", str(tmp_path))
    assert code == 0
    assert [s["verdict"] for s in doc["steps"]] == ["converging", "healthy"]


def test_live_watch_healthy_stuck_timeout_and_record(tmp_path: Path) -> None:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    for scenario, args, expected in (
        ("healthy-talos-cilium", ("--interval", "1s", "--timeout", "60s"), 0),
        ("stuck-image-pull", ("--interval", "1s", "--timeout", "60s"), 1),
        ("converging-fresh-cluster", ("--interval", "1s", "--timeout", "3s"), 124),
    ):
        store = load_store(SCENARIOS / scenario / "snapshot")
        record = tmp_path / f"rec-{scenario}"
        with Double(store, tls=cert) as double:
            kc = write_kubeconfig(tmp_path / "kc", double.url, ca.cert_pem.bytes(), context=store.context)
            code, doc, _ = _watch("--kubeconfig", str(kc), "--record", str(record), *args)
        assert code == expected, (scenario, doc["steps"])
        assert doc["final"]["verdict"] == doc["steps"][-1]["verdict"]
        if expected == 124:
            assert len(doc["steps"]) >= 2  # it kept reading until the timeout
        replayed, again, _ = _watch("--replay", str(record))
        assert replayed == expected and [s["verdict"] for s in again["steps"]] == [s["verdict"] for s in doc["steps"]]
