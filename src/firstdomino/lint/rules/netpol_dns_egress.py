"""netpol/dns-egress-blocked — (predicted) a policy isolates egress without allowing DNS.

What it detects:
    NetworkPolicies with `policyTypes` including Egress and CiliumNetworkPolicies/Clusterwide policies with an
    `egress` section (not `enableDefaultDeny.egress: false`) that select workloads of the repository (pod
    templates of Deployments, StatefulSets, DaemonSets in that namespace; an empty selector selects them
    all), when no policy selecting those workloads allows UDP/TCP 53 to the cluster DNS pods.

Why it matters:
    Once applied, every name lookup of those pods times out (`lookup … on 10.96.0.10:53: … i/o timeout`)
    while DNS works everywhere else.

Example:
    `shop/backend-egress.yaml`: a CiliumNetworkPolicy allowing only `toEndpoints: app=postgres` port 5432 for
    `app: checkout`.

Fix:
    Add an egress rule that allows port 53 to kube-dns and nothing more (see the diagnose rule of the same id).

References:
    https://docs.cilium.io/en/stable/security/policy/intro/
    https://kubernetes.io/docs/concepts/services-networking/network-policies/
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from firstdomino.lint.finding import LintFinding
from firstdomino.lint.rule import LintRule
from firstdomino.model.kinds import LabelSelector
from firstdomino.model.netpol import cnp_rule_allows_dns, np_rule_allows_dns, selector_from
from firstdomino.model.repo import Document, Repository, as_list
from firstdomino.model.selectors import matches_selector
from firstdomino.model.severity import Severity

WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet")


def _entries(doc: Document) -> list[tuple[LabelSelector | None, bool, bool]]:
    """(selector, isolates egress, allows DNS) per spec of a policy document."""
    if doc.kind == "NetworkPolicy":
        types = as_list(doc.get("spec", "policyTypes")) or (
            ["Ingress", "Egress"] if doc.get("spec", "egress") is not None else ["Ingress"]
        )
        egress = as_list(doc.get("spec", "egress"))
        return [
            (
                selector_from(doc.get("spec", "podSelector")),
                "Egress" in types,
                any(np_rule_allows_dns(r) for r in egress),
            )
        ]
    out = []
    for spec in [doc.get("spec"), *as_list(doc.get("specs"))]:
        if not isinstance(spec, Mapping) or spec.get("nodeSelector") is not None:
            continue
        deny = spec.get("enableDefaultDeny")
        default_deny = deny.get("egress", True) if isinstance(deny, Mapping) else True
        isolates = bool(spec.get("egress") or spec.get("egressDeny")) and default_deny is not False
        out.append(
            (
                selector_from(spec.get("endpointSelector")),
                isolates,
                any(cnp_rule_allows_dns(r) for r in as_list(spec.get("egress"))),
            )
        )
    return out


def check(repo: Repository) -> Iterator[LintFinding]:
    workloads: dict[str, list[tuple[Document, dict[str, str]]]] = {}
    for doc in repo.of(*WORKLOADS):
        labels = doc.get("spec", "template", "metadata", "labels")
        if isinstance(labels, Mapping):
            workloads.setdefault(doc.namespace, []).append((doc, {str(k): str(v) for k, v in labels.items()}))
    policies = [
        (doc, _entries(doc))
        for doc in repo.of("NetworkPolicy", "CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy")
    ]
    allowed: set[int] = set()
    isolating: list[tuple[Document, list[Document]]] = []
    for doc, entries in policies:
        pool = (
            workloads.get(doc.namespace, [])
            if doc.kind != "CiliumClusterwideNetworkPolicy"
            else [w for ws in workloads.values() for w in ws]
        )
        for selector, isolates, allows in entries:
            if selector is None:
                continue
            labels_ns = [(w, {**labels, "io.kubernetes.pod.namespace": w.namespace}) for w, labels in pool]
            selected = [w for w, labels in labels_ns if matches_selector(labels, selector)]
            if allows:
                allowed.update(id(w) for w in selected)
            if isolates and not allows and selected:
                isolating.append((doc, selected))
    for doc, selected in isolating:
        victims = [w for w in selected if id(w) not in allowed]
        if victims:
            names = ", ".join(f"{w.kind}/{w.name}" for w in victims[:4]) + ("…" if len(victims) > 4 else "")
            yield RULE.finding(
                doc,
                f"{doc.kind} {doc.namespace}/{doc.name} puts {names} in default-deny egress and no "
                "policy selecting them allows DNS (port 53 to kube-dns)",
                related=victims[:5],
            )


RULE = LintRule(
    id="netpol/dns-egress-blocked",
    title="Policy blocks DNS egress (predicted)",
    severity=Severity.HIGH,
    check=check,
    module=__name__,
    fix="Add an egress rule allowing port 53 (UDP and TCP) to the kube-dns pods only; never an allow-all.",
    docs=(
        "https://docs.cilium.io/en/stable/security/policy/intro/",
        "https://kubernetes.io/docs/concepts/services-networking/network-policies/",
    ),
)
