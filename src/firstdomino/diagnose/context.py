"""What a rule sees: the snapshot, the graph and its index, "now" (the snapshot's capturedAt), and
lazily built helpers shared by rules (events by object, signals per pod, suspects of a signal).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from firstdomino.diagnose import signatures as sig
from firstdomino.diagnose.budgets import EVENT_RECENT
from firstdomino.diagnose.finding import Evidence, Finding
from firstdomino.diagnose.rule import Rule
from firstdomino.graph.edges import CLUSTER_DNS, KUBERNETES_API
from firstdomino.graph.graph import Graph
from firstdomino.graph.index import Index
from firstdomino.model.decode import pod_needs_detail
from firstdomino.model.kinds import Event, Pod, WebhookConfiguration
from firstdomino.model.ref import ObjectRef
from firstdomino.model.snapshot import Snapshot, ref_of
from firstdomino.model.timeutil import parse_time


class Context:
    def __init__(self, snapshot: Snapshot, graph: Graph) -> None:
        self.snapshot = snapshot
        self.graph = graph
        self.index: Index = graph.index
        self.now: datetime = snapshot.captured_at

    # ----------------------------------------------------------------------- findings
    def finding(self, rule: Rule, subject: ObjectRef, message: str, **fields: Any) -> Finding:
        """A Finding with the rule's metadata filled in (id, title, severity, layer, fix, docs)."""
        fields.setdefault("fix", rule.fix)
        fields.setdefault("docs", rule.docs)
        fields.setdefault("hazard", rule.hazard)
        fields.setdefault("severity", rule.severity)
        for name in ("evidence", "requires", "explains_refs", "affected", "docs"):
            if name in fields:
                fields[name] = tuple(fields[name])
        return Finding(
            id=fields.pop("id", rule.id),
            subject=subject,
            title=fields.pop("title", rule.title),
            message=message,
            layer=fields.pop("layer", rule.layer),
            **fields,
        )

    def age(self, when: datetime | None) -> timedelta | None:
        return self.now - when if when is not None else None

    @cached_property
    def unhealthy_pods(self) -> tuple[Pod, ...]:
        """Pods that are not Ready (and not completed) or have a waiting container: the only pods whose
        containers can explain anything. Rules iterate these, not every pod of a large cluster."""
        return tuple(p for p in self.snapshot.pods() if p.detail is not None and pod_needs_detail(p))

    # ----------------------------------------------------------------------- events
    @cached_property
    def _events(self) -> dict[ObjectRef, list[Event]]:
        by_ref: dict[ObjectRef, list[Event]] = defaultdict(list)
        for obj in self.snapshot.of("Event"):
            if not isinstance(obj, Event):
                continue
            inv = obj.involved_object or obj.regarding
            if inv is None or not inv.kind or not inv.name:
                continue
            namespace = inv.namespace if inv.kind not in ("Node",) else ""
            by_ref[ObjectRef(inv.kind, namespace, inv.name)].append(obj)
        return by_ref

    def events(self, ref: ObjectRef, warning_only: bool = True, recent: bool = True) -> list[Event]:
        """Events about `ref`, newest last; by default only recent Warnings (older ones are history)."""
        out = []
        for event in self._events.get(ref, ()):
            if warning_only and event.type != "Warning":
                continue
            if recent:
                when = self.event_time(event)
                if when is None or self.now - when > EVENT_RECENT:
                    continue
            out.append(event)
        out.sort(key=lambda e: self.event_time(e) or self.now)
        return out

    @staticmethod
    def event_time(event: Event) -> datetime | None:
        series = event.series.last_observed_time if event.series is not None else None
        return parse_time(series or event.last_timestamp or event.event_time or event.first_timestamp)

    @staticmethod
    def event_first(event: Event) -> datetime | None:
        return parse_time(event.first_timestamp or event.event_time or event.last_timestamp)

    # ----------------------------------------------------------------------- signals
    def pod_texts(self, pod: Pod) -> list[tuple[str, str, str]]:
        """(ref, path, text) for everything a pod says about its failure: waiting/terminated messages,
        recent warning events, and the tails of its logs (current and previous)."""
        ref = str(ref_of(pod, "Pod"))
        texts: list[tuple[str, str, str]] = []
        for group, statuses in (
            ("initContainerStatuses", pod.status.init_container_statuses),
            ("containerStatuses", pod.status.container_statuses),
        ):
            for i, st in enumerate(statuses):
                for label, state in (("state", st.state), ("lastState", st.last_state)):
                    if state.waiting is not None and state.waiting.message:
                        texts.append((ref, f"status.{group}[{i}].{label}.waiting.message", state.waiting.message))
                    if state.terminated is not None and state.terminated.message:
                        texts.append((ref, f"status.{group}[{i}].{label}.terminated.message", state.terminated.message))
        for event in self.events(ref_of(pod, "Pod")):
            texts.append(
                (f"Event/{event.metadata.namespace}/{event.metadata.name}", "message", event.message or event.note)
            )
        for container, previous, text in sorted(self.snapshot.pod_logs(pod.metadata.namespace, pod.metadata.name)):
            tail = "\n".join(text.splitlines()[-200:])
            texts.append((ref, f"logs/{container}{'.previous' if previous else ''}.log", tail))
        return texts

    def signals(self, texts: Iterable[tuple[str, str, str]]) -> list[tuple[sig.Signal, Evidence]]:
        out: list[tuple[sig.Signal, Evidence]] = []
        seen: set[tuple[str, str, int, str, str]] = set()
        for ref, path, text in texts:
            for signal in sig.classify(text):
                key = (signal.kind, signal.ip, signal.port, signal.host, signal.name)
                if key in seen:
                    continue
                seen.add(key)
                out.append((signal, Evidence(ref, path, signal.text)))
        return out

    @cached_property
    def cluster_dns_ips(self) -> frozenset[str]:
        svc = self.index.service(CLUSTER_DNS.namespace, CLUSTER_DNS.name)
        ips = {svc.spec.cluster_ip} if svc is not None and svc.spec.cluster_ip else set()
        return frozenset(ips or {"10.96.0.10"})

    @cached_property
    def _webhooks_by_name(self) -> dict[str, ObjectRef]:
        out: dict[str, ObjectRef] = {}
        for kind in ("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"):
            for obj in self.snapshot.of(kind):
                if isinstance(obj, WebhookConfiguration):
                    for hook in obj.webhooks:
                        out.setdefault(hook.name, ref_of(obj, kind))
        return out

    def suspect(self, signal: sig.Signal, namespace: str = "") -> list[ObjectRef]:
        """The objects a signal points at: the Service behind an IP, the cluster DNS Service for a
        failed lookup, the webhook configuration of a named webhook, the Service with no endpoints."""
        out: list[ObjectRef] = []
        if signal.ip:
            svc = self.index.service_ref_for_ip(signal.ip)
            if svc is not None:
                out.append(svc)
            elif signal.ip in self.cluster_dns_ips:
                out.append(CLUSTER_DNS)
        if signal.kind in (sig.DNS, sig.NXDOMAIN) and (not signal.server or signal.server in self.cluster_dns_ips):
            if signal.kind == sig.DNS:
                out.append(CLUSTER_DNS)
        if signal.kind == sig.WEBHOOK and signal.name in self._webhooks_by_name:
            out.append(self._webhooks_by_name[signal.name])
        if signal.kind == sig.NO_ENDPOINTS:
            for services in self.index.services_by_namespace.values():
                for svc_obj in services:
                    if svc_obj.metadata.name == signal.name:
                        out.append(ref_of(svc_obj, "Service"))
        if signal.kind == sig.SECRET_MISSING and namespace:
            out.append(ObjectRef("Secret", namespace, signal.name))
        if signal.kind == sig.CONFIGMAP_MISSING and namespace:
            out.append(ObjectRef("ConfigMap", namespace, signal.name))
        return out

    def suspects(self, signals: Sequence[tuple[sig.Signal, Evidence]], namespace: str = "") -> list[ObjectRef]:
        out: dict[ObjectRef, None] = {}
        for signal, _ in signals:
            for ref in self.suspect(signal, namespace):
                out.setdefault(ref, None)
        return list(out)

    @property
    def kubernetes_api(self) -> ObjectRef:
        return KUBERNETES_API

    @property
    def cluster_dns(self) -> ObjectRef:
        return CLUSTER_DNS


def pod_requires(
    ctx: Context, pod: Pod, signals: Sequence[tuple[sig.Signal, Evidence]], network: bool = False
) -> list[ObjectRef]:
    """Upstream objects that could explain a failing pod: what its errors point at, its node, and
    (for sandbox/network failures) the CNI agent on its node."""
    ref = ref_of(pod, "Pod")
    out: dict[ObjectRef, None] = dict.fromkeys(ctx.suspects(signals, pod.metadata.namespace))
    for dep in ctx.graph.dependencies(ref, "runs-on"):
        out.setdefault(dep, None)
    if network or any(s.kind == sig.NETWORK_PLUGIN for s, _ in signals):
        for dep in ctx.graph.dependencies(ref, "cni-agent"):
            out.setdefault(dep, None)
    return list(out)


def group_by_workload(ctx: Context, pods: Iterable[Pod]) -> dict[ObjectRef, list[Pod]]:
    """Pods grouped by their top-level workload (a Deployment, DaemonSet, ...; or the pod itself)."""
    groups: dict[ObjectRef, list[Pod]] = defaultdict(list)
    for pod in pods:
        groups[ctx.index.top_owner(pod, "Pod")].append(pod)
    return dict(sorted(groups.items()))


_WAITING_FOR_CONFIG = ("ContainerCreating", "CreateContainerConfigError", "PodInitializing", "Init:0/1")


def missing_refs(ctx: Context, pod: Pod) -> list[tuple[ObjectRef, Evidence]]:
    """Secrets/ConfigMaps a not-started pod needs that do not exist (from its spec when the kind was
    collected, and from kubelet's `not found` messages either way)."""
    from firstdomino.diagnose.common import pod_ready  # local: common imports nothing from here

    if pod_ready(pod) or pod.status.phase in ("Succeeded", "Failed"):
        return []
    statuses = [*pod.status.init_container_statuses, *pod.status.container_statuses]
    waiting = [s.state.waiting for s in statuses if s.state.waiting is not None]
    if statuses and not waiting:
        return []
    if waiting and not any(w.reason in _WAITING_FOR_CONFIG for w in waiting):
        return []
    ref = ref_of(pod, "Pod")
    ns = pod.metadata.namespace
    found: dict[ObjectRef, Evidence] = {}
    for signal, evidence in ctx.signals(ctx.pod_texts(pod)):
        if signal.kind == sig.SECRET_MISSING:
            found.setdefault(ObjectRef("Secret", ns, signal.name), evidence)
        elif signal.kind == sig.CONFIGMAP_MISSING:
            found.setdefault(ObjectRef("ConfigMap", ns, signal.name), evidence)
    for dep in ctx.graph.dependencies(ref):
        if dep.kind in ("Secret", "ConfigMap") and ctx.snapshot.has_kind(dep.kind) and ctx.snapshot.get(dep) is None:
            if dep.kind == "Secret" and dep.name.startswith("default-token-"):
                continue
            found.setdefault(dep, Evidence(str(ref), "spec", f"references {dep.kind} {dep.name}, which does not exist"))
    return sorted(found.items())


def producers_of(ctx: Context, target: ObjectRef, consumer: Pod | None = None) -> list[ObjectRef]:
    """What is expected to create `target`: a cert-manager Certificate with that secretName, or the GitOps
    application that manages the consumer's workload and has not finished syncing."""
    from firstdomino.model.kinds import Application, Kustomization

    out: list[ObjectRef] = [d for d in ctx.graph.dependencies(target, "produced-by")]
    if consumer is not None:
        owner = ctx.index.top_owner(consumer, "Pod")
        for app_ref in ctx.graph.dependencies(owner, "managed-by"):
            app = ctx.snapshot.get(app_ref)
            if isinstance(app, Application) and (
                app.status.sync.status != "Synced"
                or (app.status.operation_state is not None and app.status.operation_state.phase in ("Failed", "Error"))
            ):
                out.append(app_ref)
        ks_name = ctx.snapshot.get(owner)
        labels = ks_name.metadata.labels if ks_name is not None else {}
        name = labels.get("kustomize.toolkit.fluxcd.io/name")
        if name:
            ks_ref = ObjectRef(
                "Kustomization", labels.get("kustomize.toolkit.fluxcd.io/namespace", "flux-system"), name
            )
            ks = ctx.snapshot.get(ks_ref)
            if isinstance(ks, Kustomization):
                out.append(ks_ref)
    return list(dict.fromkeys(out))
