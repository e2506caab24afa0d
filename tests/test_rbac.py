"""deploy/rbac.yaml: read-only, exactly what the rules need, and enough for a whole live read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import trustme
import yaml

from firstdomino.diagnose.registry import RULES
from firstdomino.sources.resources import POD_LOG, resources_for
from tests.apiserver import Double, load_store, write_kubeconfig
from tests.conftest import ROOT, SCENARIOS, run_cli

RBAC = ROOT / "deploy" / "rbac.yaml"


def _role() -> list[dict[str, Any]]:
    docs = [d for d in yaml.safe_load_all(RBAC.read_text()) if d]
    (role,) = [d for d in docs if d["kind"] == "ClusterRole"]
    return list(role["rules"])


def _grants() -> set[tuple[str, str, str]]:
    return {(g, r, v) for rule in _role() for g in rule["apiGroups"] for r in rule["resources"] for v in rule["verbs"]}


def test_file_is_generated_from_the_table() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("rbac_script", ROOT / "scripts" / "rbac.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert RBAC.read_text() == module.manifests(), "run `python scripts/rbac.py`"


def test_read_only_and_no_secret_get() -> None:
    grants = _grants()
    assert {v for _, _, v in grants} <= {"get", "list", "watch"}
    assert ("", "secrets", "get") not in grants
    assert ("", "secrets", "list") in grants
    assert ("", POD_LOG.plural, "get") in grants
    assert not any("*" in g or "*" in r for g, r, _ in grants)


def test_covers_every_kind_the_rules_need_and_nothing_more() -> None:
    needed = resources_for(frozenset(k for r in RULES for k in r.kinds))
    expected = {(r.group, r.plural) for r in needed} | {("", POD_LOG.plural)}
    granted = {(g, r) for g, r, _ in _grants()}
    assert granted == expected


def test_a_live_read_under_this_role_is_never_forbidden(tmp_path: Path) -> None:
    ca = trustme.CA()
    snap = SCENARIOS / "incident-000-argocd-dns-eperm" / "snapshot"
    store = load_store(snap)
    with Double(store, tls=ca.issue_cert("127.0.0.1")) as double:
        double.allowed = _grants()
        kc = write_kubeconfig(tmp_path / "kc", double.url, ca.cert_pem.bytes(), context=store.context)
        proc = run_cli("diagnose", "--kubeconfig", str(kc), "-o", "json")
    doc = json.loads(proc.stdout)
    forbidden = [n for n in doc["notChecked"] if "403" in n["why"] and n["what"] in store.collected]
    assert forbidden == []
    assert double.denied == []
    assert any(path.endswith("/log") for _, path, _ in double.requests)
