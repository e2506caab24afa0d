"""Every rule is documented (STYLE.md sections), `explain` prints it, and the DESIGN.md catalogue is covered."""

from __future__ import annotations

import pytest

from firstdomino.diagnose.registry import BY_ID, RULES
from firstdomino.diagnose.rule import DOC_SECTIONS

from .conftest import run_cli

#: The observed ids of DESIGN.md's catalogue (client/stale-kubeconfig fires from the live source only).
OBSERVED_CATALOGUE = (
    "client/stale-kubeconfig",
    "cni/agent-not-ready",
    "cni/no-service-proxy",
    "cilium/kpr-without-k8s-service-host",
    "talos/cilium-values-incompatible",
    "service/no-ready-backends",
    "service/selector-matches-nothing",
    "dns/cluster-dns-unavailable",
    "apiserver/unreachable-from-pods",
    "webhook/unavailable-fail-closed",
    "bootstrap/secret-chain-blocked",
    "gitops/dual-ownership",
    "flux/reconcile-failed",
    "argocd/sync-failed",
    "status/stale-error",
    "netpol/dns-egress-blocked",
    "netpol/allow-all",
    "certmanager/issuance-backoff",
    "pod/image-pull-failed",
    "pod/unschedulable",
    "pod/crash-looping",
    "pod/missing-config",
    "node/not-ready",
    "controlplane/component-unhealthy",
)


#: Ids added beyond DESIGN.md's catalogue (documented in docs/rules.md).
ADDED = ("workload/pods-not-created",)


def test_every_observed_catalogue_id_has_a_rule() -> None:
    assert sorted(OBSERVED_CATALOGUE + ADDED) == sorted(BY_ID)


def test_rule_ids_are_unique() -> None:
    assert len({r.id for r in RULES}) == len(RULES)


@pytest.mark.parametrize("rule_id", sorted(BY_ID))
def test_rule_docstring_has_every_section(rule_id: str) -> None:
    doc = BY_ID[rule_id].doc
    assert doc.startswith(rule_id), "the docstring opens with the rule id"
    for section in DOC_SECTIONS:
        assert f"\n{section}:\n" in doc, f"{rule_id}: section {section!r} missing"


@pytest.mark.parametrize("rule_id", sorted(BY_ID))
def test_explain_prints_the_docs(rule_id: str) -> None:
    proc = run_cli("explain", rule_id)
    assert proc.returncode == 0
    assert "What it detects:" in proc.stdout and "Fix:" in proc.stdout


def test_explain_unknown_id_is_a_usage_error() -> None:
    proc = run_cli("explain", "no/such-rule")
    assert proc.returncode == 2
    assert "unknown rule id" in proc.stderr


def test_rules_lists_every_id() -> None:
    proc = run_cli("rules")
    assert proc.returncode == 0
    for rule_id in BY_ID:
        assert rule_id in proc.stdout
