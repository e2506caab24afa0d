"""Network-policy rule evaluation (pure), shared by `diagnose` (on cluster state) and `lint` (on the
repository): whether an egress rule of a NetworkPolicy or CiliumNetworkPolicy lets DNS through to the
cluster DNS pods, and label selectors in both policy dialects.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from firstdomino.model.kinds import LabelSelector, LabelSelectorRequirement, Pod
from firstdomino.model.selectors import matches_selector

DNS_POD_LABELS = {
    "k8s-app": "kube-dns",
    "io.kubernetes.pod.namespace": "kube-system",
    "kubernetes.io/metadata.name": "kube-system",
}


def selector_from(value: Any) -> LabelSelector | None:
    if not isinstance(value, Mapping):
        return None
    labels = value.get("matchLabels") or {}
    exprs = value.get("matchExpressions") or []
    try:
        return LabelSelector(
            match_labels={strip_key(k): str(v) for k, v in labels.items()} if isinstance(labels, Mapping) else {},
            match_expressions=[
                LabelSelectorRequirement(
                    key=strip_key(str(e.get("key", ""))),
                    operator=str(e.get("operator", "")),
                    values=[str(v) for v in e.get("values") or []],
                )
                for e in exprs
                if isinstance(e, Mapping)
            ],
        )
    except (TypeError, AttributeError):
        return None


def strip_key(key: str) -> str:
    return key.split(":", 1)[1] if key.startswith(("k8s:", "any:")) else key


def cilium_labels(pod: Pod) -> dict[str, str]:
    labels = {strip_key(k): v for k, v in pod.metadata.labels.items()}
    labels["io.kubernetes.pod.namespace"] = pod.metadata.namespace
    return labels


def allows_port_53(ports: Any) -> bool:
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


def np_rule_allows_dns(rule: Any) -> bool:
    if not isinstance(rule, Mapping) or not allows_port_53(rule.get("ports")):
        return False
    peers = rule.get("to")
    if not peers:
        return True
    for peer in peers if isinstance(peers, list) else []:
        if not isinstance(peer, Mapping):
            continue
        if "ipBlock" in peer:
            return True
        ns_sel = selector_from(peer.get("namespaceSelector")) if "namespaceSelector" in peer else None
        pod_sel = selector_from(peer.get("podSelector")) if "podSelector" in peer else None
        ns_ok = ns_sel is not None and matches_selector({"kubernetes.io/metadata.name": "kube-system"}, ns_sel)
        pod_ok = pod_sel is None or matches_selector({"k8s-app": "kube-dns"}, pod_sel)
        if ns_ok and pod_ok:
            return True
    return False


def cnp_rule_allows_dns(rule: Any) -> bool:
    if not isinstance(rule, Mapping):
        return False
    to_ports = rule.get("toPorts")
    ports_ok = not to_ports or any(
        allows_port_53(tp.get("ports"))
        for tp in (to_ports if isinstance(to_ports, list) else [])
        if isinstance(tp, Mapping)
    )
    if not ports_ok:
        return False
    entities = rule.get("toEntities") or []
    if any(e in ("all", "cluster", "kube-dns") for e in (entities if isinstance(entities, list) else [])):
        return True
    if rule.get("toCIDR") or rule.get("toCIDRSet"):
        return True
    endpoints = rule.get("toEndpoints")
    if endpoints:
        for sel in endpoints if isinstance(endpoints, list) else []:
            parsed = selector_from(sel)
            if parsed is not None and matches_selector(DNS_POD_LABELS, parsed):
                return True
        return False
    return not rule.get("toServices") and not rule.get("toFQDNs") and not entities
