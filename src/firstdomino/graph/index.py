"""Indexes over a Snapshot, built once: label selectors by namespace, Services by cluster IP,
EndpointSlices by Service, pods by node and by IP, owner chains. Never compares all pairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import cached_property

from firstdomino.model.kinds import (
    Endpoints,
    EndpointSlice,
    LabelSelector,
    Object,
    Pod,
    Service,
    Workload,
)
from firstdomino.model.ref import ObjectRef
from firstdomino.model.selectors import matches_map, matches_selector
from firstdomino.model.snapshot import Snapshot, ref_of

__all__ = ["Index", "matches_map", "matches_selector"]

SERVICE_NAME_LABEL = "kubernetes.io/service-name"
#: Labels that name a node's CNI agent pods (Cilium's, then generic ones).
CNI_AGENT_LABELS = (
    ("k8s-app", "cilium"),
    ("app.kubernetes.io/name", "cilium-agent"),
    ("app", "flannel"),
    ("k8s-app", "calico-node"),
)
#: Where CNI agents run (Cilium and flannel charts, Calico's operator).
CNI_NAMESPACES = ("kube-system", "cilium", "kube-flannel", "calico-system")


class Index:
    """Lookups the rules and edge builders share. Pods are indexed only by the label pairs some
    selector uses (Services, workloads); per-node and per-IP maps are built on first use."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        keys: set[str] = set()
        for obj in snapshot.of("Service"):
            if isinstance(obj, Service) and obj.spec.selector:
                keys.update(obj.spec.selector)
        for kind in ("Deployment", "DaemonSet", "StatefulSet", "ReplicaSet"):
            for obj in snapshot.of(kind):
                if isinstance(obj, Workload) and obj.spec.selector is not None:
                    keys.update(obj.spec.selector.match_labels)
        self._selector_keys = frozenset(keys)
        self._pods_by_ns_label: dict[str, dict[tuple[str, str], list[Pod]]] = {}
        self.pods_by_namespace: dict[str, list[Pod]] = defaultdict(list)
        for pod in snapshot.pods():
            self.pods_by_namespace[pod.metadata.namespace].append(pod)
        self.service_by_ip: dict[str, Service] = {}
        self.services_by_namespace: dict[str, list[Service]] = defaultdict(list)
        for obj in snapshot.of("Service"):
            if not isinstance(obj, Service):
                continue
            self.services_by_namespace[obj.metadata.namespace].append(obj)
            for ip in {obj.spec.cluster_ip, *obj.spec.cluster_ips}:
                if ip and ip != "None":
                    self.service_by_ip[ip] = obj
        self.slices_by_service: dict[tuple[str, str], list[EndpointSlice]] = defaultdict(list)
        for obj in snapshot.of("EndpointSlice"):
            if isinstance(obj, EndpointSlice):
                svc = obj.metadata.labels.get(SERVICE_NAME_LABEL)
                if svc:
                    self.slices_by_service[(obj.metadata.namespace, svc)].append(obj)
        self.endpoints_by_service: dict[tuple[str, str], Endpoints] = {}
        for obj in snapshot.of("Endpoints"):
            if isinstance(obj, Endpoints):
                self.endpoints_by_service[(obj.metadata.namespace, obj.metadata.name)] = obj
        self._uid_to_ref: dict[str, ObjectRef] = {}
        for kind in ("ReplicaSet", "Deployment", "DaemonSet", "StatefulSet", "Job", "CronJob"):
            for obj in snapshot.of(kind):
                if obj.metadata.uid:
                    self._uid_to_ref[obj.metadata.uid] = ref_of(obj, kind)

    @cached_property
    def pods_by_node(self) -> dict[str, list[Pod]]:
        by_node: dict[str, list[Pod]] = defaultdict(list)
        for pod in self.snapshot.pods():
            if pod.spec.node_name:
                by_node[pod.spec.node_name].append(pod)
        return by_node

    @cached_property
    def cni_agents(self) -> dict[str, ObjectRef]:
        """node name -> the CNI agent pod on it (Cilium's, else flannel's or calico-node's)."""
        agents: dict[str, ObjectRef] = {}
        for namespace in CNI_NAMESPACES:
            for pod in self.pods_by_namespace.get(namespace, ()):
                labels = pod.metadata.labels
                node = pod.spec.node_name
                if node and node not in agents and any(labels.get(k) == v for k, v in CNI_AGENT_LABELS):
                    agents[node] = ref_of(pod, "Pod")
        return agents

    @cached_property
    def pod_by_ip(self) -> dict[str, Pod]:
        return {p.status.pod_ip: p for p in self.snapshot.pods() if p.status.pod_ip and not p.spec.host_network}

    # ----------------------------------------------------------------------- selection
    def _label_index(self, namespace: str) -> dict[tuple[str, str], list[Pod]]:
        """(label, value) -> pods of one namespace, for the label keys selectors use; built on first use."""
        found = self._pods_by_ns_label.get(namespace)
        if found is None:
            found = defaultdict(list)
            keys = self._selector_keys
            for pod in self.pods_by_namespace.get(namespace, ()):
                for item in pod.metadata.labels.items():
                    if item[0] in keys:
                        found[item].append(pod)
            self._pods_by_ns_label[namespace] = found
        return found

    def select_pods(self, namespace: str, selector: Mapping[str, str] | None) -> list[Pod]:
        """Pods in `namespace` whose labels match a map selector (a Service's). None/{} -> []."""
        if not selector:
            return []
        if not self._selector_keys.issuperset(selector):
            return [p for p in self.pods_by_namespace.get(namespace, []) if matches_map(p.metadata.labels, selector)]
        by_label = self._label_index(namespace)
        if not by_label:
            return []
        items = sorted(selector.items(), key=lambda kv: len(by_label.get(kv, ())))
        first = by_label.get(items[0], [])
        return [p for p in first if matches_map(p.metadata.labels, selector)]

    def select_pods_by_selector(self, namespace: str, selector: LabelSelector | None) -> list[Pod]:
        """Pods in `namespace` matching a LabelSelector (an empty selector matches all pods)."""
        if selector is None:
            return []
        if selector.match_labels and not selector.match_expressions:
            return self.select_pods(namespace, selector.match_labels)
        return [p for p in self.pods_by_namespace.get(namespace, []) if matches_selector(p.metadata.labels, selector)]

    # ----------------------------------------------------------------------- services
    def service_backends(self, service: Service) -> tuple[int, int, bool]:
        """(ready endpoints, all endpoints, known) from EndpointSlices, else core Endpoints."""
        key = (service.metadata.namespace, service.metadata.name)
        slices = self.slices_by_service.get(key)
        if slices:
            ready = total = 0
            for sl in slices:
                for ep in sl.endpoints or ():
                    total += 1
                    if ep.conditions.ready is not False and not ep.conditions.terminating:
                        ready += 1
            return ready, total, True
        endpoints = self.endpoints_by_service.get(key)
        if endpoints is not None:
            ready = sum(len(s.addresses) for s in endpoints.subsets)
            total = ready + sum(len(s.not_ready_addresses) for s in endpoints.subsets)
            return ready, total, True
        known = self.snapshot.has_kind("EndpointSlice") or self.snapshot.has_kind("Endpoints")
        return 0, 0, known

    def service_ref_for_ip(self, ip: str) -> ObjectRef | None:
        svc = self.service_by_ip.get(ip)
        return ref_of(svc, "Service") if svc is not None else None

    def service(self, namespace: str, name: str) -> Service | None:
        obj = self.snapshot.get(ObjectRef("Service", namespace, name))
        return obj if isinstance(obj, Service) else None

    # ----------------------------------------------------------------------- owners
    def owner_of(self, obj: Object) -> ObjectRef | None:
        """The controller owner of an object (the first owner when none is the controller)."""
        owners = obj.metadata.owner_references
        owner = next((o for o in owners if o.controller), owners[0] if owners else None)
        if owner is None:
            return None
        ref = self._uid_to_ref.get(owner.uid) if owner.uid else None
        if ref is not None:
            return ref
        namespace = "" if owner.kind == "Node" else obj.metadata.namespace
        return ObjectRef(owner.kind, namespace, owner.name)

    def owner_chain(self, obj: Object) -> list[ObjectRef]:
        """Controller owners upwards: Pod -> ReplicaSet -> Deployment (stops at unknown owners)."""
        chain: list[ObjectRef] = []
        seen: set[str] = set()
        current: Object | None = obj
        while current is not None and len(chain) < 8:
            owners = current.metadata.owner_references
            owner = next((o for o in owners if o.controller), owners[0] if owners else None)
            if owner is None:
                break
            ref = self._uid_to_ref.get(owner.uid) if owner.uid else None
            if ref is None:
                namespace = "" if owner.kind == "Node" else current.metadata.namespace
                ref = ObjectRef(owner.kind, namespace, owner.name)
            if str(ref) in seen:
                break
            seen.add(str(ref))
            chain.append(ref)
            current = self.snapshot.get(ref)
        return chain

    def top_owner(self, obj: Object, kind: str) -> ObjectRef:
        """The top-level workload of an object (Deployment for a pod of a ReplicaSet), else itself.
        A Node owner (mirror pods) is not a workload: the pod stands for itself."""
        chain = [r for r in self.owner_chain(obj) if r.kind != "Node"]
        return chain[-1] if chain else ref_of(obj, kind)

    def workload(self, ref: ObjectRef) -> Workload | None:
        obj = self.snapshot.get(ref)
        return obj if isinstance(obj, Workload) else None

    def pods_of_workload(self, ref: ObjectRef) -> list[Pod]:
        obj = self.snapshot.get(ref)
        if not isinstance(obj, Workload) or obj.spec.selector is None:
            return []
        return [
            p for p in self.select_pods_by_selector(ref.namespace, obj.spec.selector) if self.top_owner(p, "Pod") == ref
        ]


def refs(objects: Iterable[Object], kind: str) -> list[ObjectRef]:
    return [ref_of(o, kind) for o in objects]
