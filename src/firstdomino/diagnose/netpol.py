"""Network-policy evaluation shared by the policy rules (pure): which pods a NetworkPolicy or
Cilium(Clusterwide)NetworkPolicy selects, whether it puts them in default-deny egress, and whether
an egress rule lets DNS through to the cluster DNS pods. Policies are additive: a pod can reach DNS
when any policy selecting it allows it.
"""

from __future__ import annotations

from collections.abc import Iterator

from firstdomino.graph.index import Index, matches_selector
from firstdomino.model.kinds import CiliumNetworkPolicy, CiliumPolicySpec, LabelSelector, NetworkPolicy, Pod
from firstdomino.model.netpol import cilium_labels, cnp_rule_allows_dns, np_rule_allows_dns, strip_key
from firstdomino.model.ref import ObjectRef
from firstdomino.model.snapshot import Snapshot, ref_of


def policies(snapshot: Snapshot) -> Iterator[tuple[ObjectRef, str, list[tuple[LabelSelector | None, bool, bool]]]]:
    """(ref, namespace or "" for clusterwide, [(selector, isolates egress, allows DNS)]) per policy."""
    for obj in snapshot.of("NetworkPolicy"):
        if not isinstance(obj, NetworkPolicy):
            continue
        spec = obj.spec
        types = spec.policy_types or (["Ingress", "Egress"] if spec.egress is not None else ["Ingress"])
        isolates = "Egress" in types
        allows = any(np_rule_allows_dns(r) for r in spec.egress or [])
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
                allows = any(cnp_rule_allows_dns(r) for r in cspec.egress or [])
                sel = cspec.endpoint_selector
                if sel is not None:
                    sel = LabelSelector(
                        match_labels={strip_key(k): v for k, v in sel.match_labels.items()},
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
            selected = [p for p in pool if not p.spec.host_network and matches_selector(cilium_labels(p), selector)]
            if allows:
                allowed.update(id(p) for p in selected)
            if isolates and not allows:
                isolating.setdefault(ref, []).extend(selected)
    return {ref: [p for p in pods if id(p) not in allowed] for ref, pods in isolating.items()}
