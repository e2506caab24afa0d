"""Network-policy evaluation shared by the policy rules (pure): which pods a NetworkPolicy or
Cilium(Clusterwide)NetworkPolicy selects, whether it puts them in default-deny egress, and whether
an egress rule lets DNS through to the cluster DNS pods. Policies are additive: a pod can reach DNS
when any policy selecting it allows it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from firstdomino.graph.index import Index, matches_selector
from firstdomino.model.kinds import CiliumNetworkPolicy, CiliumPolicySpec, LabelSelector, NetworkPolicy, Pod
from firstdomino.model.ref import ObjectRef
from firstdomino.model.snapshot import Snapshot, ref_of

DNS_POD_LABELS = {
    "k8s-app": "kube-dns",
    "io.kubernetes.pod.namespace": "kube-system",
    "kubernetes.io/metadata.name": "kube-system",
}


def _selector(value: Any) -> LabelSelector | None:
    if not isinstance(value, Mapping):
        return None
    labels = value.get("matchLabels") or {}
    exprs = value.get("matchExpressions") or []
    try:
        from firstdomino.model.kinds import LabelSelectorRequirement

        return LabelSelector(
            match_labels={_strip(k): str(v) for k, v in labels.items()} if isinstance(labels, Mapping) else {},
            match_expressions=[
                LabelSelectorRequirement(
                    key=_strip(str(e.get("key", ""))),
                    operator=str(e.get("operator", "")),
                    values=[str(v) for v in e.get("values") or []],
                )
                for e in exprs
                if isinstance(e, Mapping)
            ],
        )
    except (TypeError, AttributeError):
        return None


def _strip(key: str) -> str:
    return key.split(":", 1)[1] if key.startswith(("k8s:", "any:")) else key


def _cilium_labels(pod: Pod) -> dict[str, str]:
    labels = {_strip(k): v for k, v in pod.metadata.labels.items()}
    labels["io.kubernetes.pod.namespace"] = pod.metadata.namespace
    return labels


def _allows_port_53(ports: Any) -> bool:
    if not ports:
        return True
    for entry in ports if isinstance(ports, list) else []:
        if not isinstance(entry, Mapping):
            continue
        port = entry.get("port")
        protocol = str(entry.get("protocol", "UDP")).upper()
        if port in (None, 53, "53", "dns", "dns-tcp") and protocol in ("UDP", "ANY", "TCP"):
            return True
        end = entry.get("endPort")
        if isinstance(port, int) and isinstance(end, int) and port <= 53 <= end:
            return True
    return False


def _np_rule_allows_dns(rule: Any) -> bool:
    if not isinstance(rule, Mapping) or not _allows_port_53(rule.get("ports")):
        return False
    peers = rule.get("to")
    if not peers:
        return True
    for peer in peers if isinstance(peers, list) else []:
        if not isinstance(peer, Mapping):
            continue
        if "ipBlock" in peer:
            return True
        ns_sel = _selector(peer.get("namespaceSelector")) if "namespaceSelector" in peer else None
        pod_sel = _selector(peer.get("podSelector")) if "podSelector" in peer else None
        ns_ok = ns_sel is not None and matches_selector({"kubernetes.io/metadata.name": "kube-system"}, ns_sel)
        pod_ok = pod_sel is None or matches_selector({"k8s-app": "kube-dns"}, pod_sel)
        if ns_ok and pod_ok:
            return True
    return False


def _cnp_rule_allows_dns(rule: Any) -> bool:
    if not isinstance(rule, Mapping):
        return False
    to_ports = rule.get("toPorts")
    ports_ok = not to_ports or any(
        _allows_port_53((tp or {}).get("ports")) for tp in to_ports if isinstance(tp, Mapping)
    )
    if not ports_ok:
        return False
    entities = rule.get("toEntities") or []
    if any(e in ("all", "cluster", "kube-dns") for e in entities):
        return True
    if rule.get("toCIDR") or rule.get("toCIDRSet"):
        return True
    endpoints = rule.get("toEndpoints")
    if endpoints:
        for sel in endpoints:
            parsed = _selector(sel)
            if parsed is not None and matches_selector(DNS_POD_LABELS, parsed):
                return True
        return False
    return not rule.get("toServices") and not rule.get("toFQDNs") and not entities


def policies(snapshot: Snapshot) -> Iterator[tuple[ObjectRef, str, list[tuple[LabelSelector | None, bool, bool]]]]:
    """(ref, namespace or "" for clusterwide, [(selector, isolates egress, allows DNS)]) per policy."""
    for obj in snapshot.of("NetworkPolicy"):
        if not isinstance(obj, NetworkPolicy):
            continue
        spec = obj.spec
        types = spec.policy_types or (["Ingress", "Egress"] if spec.egress is not None else ["Ingress"])
        isolates = "Egress" in types
        allows = any(_np_rule_allows_dns(r) for r in spec.egress or [])
        yield ref_of(obj, "NetworkPolicy"), obj.metadata.namespace, [(spec.pod_selector, isolates, allows)]
    for kind in ("CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy"):
        for obj in snapshot.of(kind):
            if not isinstance(obj, CiliumNetworkPolicy):
                continue
            specs: list[CiliumPolicySpec] = ([obj.spec] if obj.spec is not None else []) + list(obj.specs or [])
            entries = []
            for cspec in specs:
                if cspec.node_selector is not None:
                    continue  # host policies: not about pod DNS
                default_deny = (cspec.enable_default_deny or {}).get("egress", True)
                isolates = bool(cspec.egress or cspec.egress_deny) and default_deny is not False
                allows = any(_cnp_rule_allows_dns(r) for r in cspec.egress or [])
                sel = cspec.endpoint_selector
                if sel is not None:
                    sel = LabelSelector(
                        match_labels={_strip(k): v for k, v in sel.match_labels.items()},
                        match_expressions=sel.match_expressions,
                    )
                entries.append((sel, isolates, allows))
            namespace = "" if kind == "CiliumClusterwideNetworkPolicy" else obj.metadata.namespace
            yield ref_of(obj, kind), namespace, entries


def dns_blocked_pods(snapshot: Snapshot, index: Index) -> dict[ObjectRef, list[Pod]]:
    """Egress-isolating policies -> the pods they isolate that no selecting policy lets reach DNS."""
    isolating: dict[ObjectRef, list[Pod]] = {}
    allowed: set[int] = set()
    for ref, namespace, entries in policies(snapshot):
        for selector, isolates, allows in entries:
            if selector is None:
                continue
            pool = (
                index.pods_by_namespace.get(namespace, [])
                if namespace
                else [p for pods in index.pods_by_namespace.values() for p in pods]
            )
            selected = [p for p in pool if not p.spec.host_network and matches_selector(_cilium_labels(p), selector)]
            if allows:
                allowed.update(id(p) for p in selected)
            if isolates and not allows:
                isolating.setdefault(ref, []).extend(selected)
    return {ref: [p for p in pods if id(p) not in allowed] for ref, pods in isolating.items()}
