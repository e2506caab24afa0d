"""netpol/allow-all — (predicted) a policy in the repository allows all traffic for a whole namespace.

What it detects:
    NetworkPolicy manifests with an empty `podSelector` that allow everything in every direction they
    govern, and Cilium policies with an empty endpoint selector allowing `toEntities`/`fromEntities: [all]`.
    A policy that opens one direction and restricts the other (Flux's stock `allow-egress`) is not reported.

Why it matters:
    It removes the namespace's isolation; it is the typical "fix" for errors it cannot fix (see the
    diagnose rule of the same id).

Example:
    `network-policies/kube-system-allow-all.yaml`: `podSelector: {}`, `egress: [{}]`.

Fix:
    Delete it and allow specific destinations instead (DNS to kube-dns, the kube-apiserver entity, named
    services).

References:
    https://kubernetes.io/docs/concepts/services-networking/network-policies/#allow-all-ingress-traffic
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from firstdomino.lint.finding import LintFinding
from firstdomino.lint.rule import LintRule
from firstdomino.model.repo import Repository, as_list
from firstdomino.model.severity import Severity


def _empty(selector: Any) -> bool:
    return isinstance(selector, Mapping) and not selector.get("matchLabels") and not selector.get("matchExpressions")


def check(repo: Repository) -> Iterator[LintFinding]:
    for doc in repo.of("NetworkPolicy"):
        if not _empty(doc.get("spec", "podSelector")):
            continue
        types = doc.get("spec", "policyTypes")
        governed = (
            [str(t).lower() for t in types]
            if isinstance(types, list) and types
            else (["ingress", "egress"] if doc.get("spec", "egress") is not None else ["ingress"])
        )
        open_dirs = [d for d in governed if any(isinstance(r, Mapping) and not r for r in as_list(doc.get("spec", d)))]
        if open_dirs and len(open_dirs) == len(governed):
            yield RULE.finding(
                doc,
                f"NetworkPolicy {doc.namespace}/{doc.name} allows all {' and '.join(open_dirs)} "
                "traffic for every pod of its namespace",
                line=doc.line_of("spec", open_dirs[0]),
            )
    for doc in repo.of("CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy"):
        specs = [doc.get("spec"), *as_list(doc.get("specs"))]
        for spec in specs:
            if not isinstance(spec, Mapping) or not _empty(spec.get("endpointSelector")):
                continue
            for direction, key in (("ingress", "fromEntities"), ("egress", "toEntities")):
                if any(isinstance(r, Mapping) and "all" in as_list(r.get(key)) for r in as_list(spec.get(direction))):
                    yield RULE.finding(doc, f"{doc.kind} {doc.name} allows all {direction} traffic")
                    break


RULE = LintRule(
    id="netpol/allow-all",
    title="Allow-all network policy (predicted)",
    severity=Severity.MEDIUM,
    check=check,
    module=__name__,
    fix="Delete the allow-all policy; allow specific destinations (DNS to kube-dns, kube-apiserver, named services).",
    docs=("https://kubernetes.io/docs/concepts/services-networking/network-policies/#allow-all-ingress-traffic",),
)
