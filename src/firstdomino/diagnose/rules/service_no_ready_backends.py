"""service/no-ready-backends — a Service has no ready endpoint.

What it detects:
    Services with a selector whose EndpointSlices (or core Endpoints, on snapshots without slices) list
    no ready endpoint, and why: the selected pods are not Ready (the cascade continues into the pods'
    own causes), the workload is scaled to zero, or — when the selected pods *are* Ready but the slices
    still say otherwise — the EndpointSlices are out of date because the endpoint-slice controller
    (kube-controller-manager) is not running. The cluster DNS and the `kubernetes` Service have their
    own rules.

Why it matters:
    Every client of the Service fails. With Cilium's socket load balancer the failure is immediate:
    `connect: operation not permitted` (EPERM, Cilium < 1.19.4 or kernels without bpf_set_retval) or
    `no route to host` — which is *not* a network-policy denial (a policy drop times out). Admission
    webhooks and aggregated APIs behind the Service fail the same way.

Example:
    `dial tcp 10.98.200.162:443: connect: operation not permitted` from the API server calling
    cert-manager's webhook while the cert-manager-webhook slice has 0 ready endpoints.

Fix:
    Make a backend Ready (see the cascade for why the pods are not); do not add allow-all
    NetworkPolicies or disable policy enforcement, which cannot fix this. Verify:
    `kubectl get endpointslices -l kubernetes.io/service-name=NAME -n NS`.

References:
    https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/
    https://github.com/cilium/cilium/pull/45185
    https://cert-manager.io/docs/troubleshooting/webhook/
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from firstdomino.diagnose.budgets import SERVICE_BACKENDS_BUDGET
from firstdomino.diagnose.common import (
    created,
    earliest,
    is_api_service,
    is_cluster_dns,
    not_ready_since,
    pod_ready,
    ready_since,
)
from firstdomino.diagnose.context import Context
from firstdomino.diagnose.finding import Evidence, Finding, Severity
from firstdomino.diagnose.rule import LAYER_PLATFORM, Rule
from firstdomino.graph.index import matches_map
from firstdomino.model.kinds import Service, Workload
from firstdomino.model.ref import ObjectRef
from firstdomino.model.snapshot import ref_of

CONTROLLER_MANAGER_LEASE = ObjectRef("Lease", "kube-system", "kube-controller-manager")


def check(ctx: Context) -> Iterator[Finding]:
    for svc in ctx.snapshot.of("Service"):
        if not isinstance(svc, Service) or not svc.spec.selector or svc.spec.type == "ExternalName":
            continue
        ns, name = svc.metadata.namespace, svc.metadata.name
        if is_cluster_dns(ns, name) or is_api_service(ns, name):
            continue
        ready, total, known = ctx.index.service_backends(svc)
        if not known or ready > 0:
            continue
        yield from _explain(ctx, svc, total)


def _explain(ctx: Context, svc: Service, total: int) -> Iterator[Finding]:
    ref = ref_of(svc, "Service")
    ns = svc.metadata.namespace
    selector = svc.spec.selector or {}
    pods = ctx.index.select_pods(ns, selector)
    slices = ctx.index.slices_by_service.get((ns, svc.metadata.name), [])
    evidence = [
        Evidence(
            str(ref_of(s, "EndpointSlice")),
            "endpoints",
            f"{sum(1 for e in s.endpoints or () if e.conditions.ready)} ready of {len(s.endpoints or ())}",
        )
        for s in slices[:2]
    ]
    if not slices:
        evidence.append(Evidence(str(ref), "", f"0 ready of {total} endpoints"))
    requires: list[ObjectRef] = [ref_of(p, "Pod") for p in pods]
    clients = ctx.graph.dependents(ref, "webhook-service") + ctx.graph.dependents(ref, "apiservice-service")
    ready_pods = [p for p in pods if pod_ready(p)]
    since: datetime | None
    self_healing: bool | None = None
    if ready_pods:
        # the pods are Ready but no slice says so: the endpoint-slice controller is not running
        evidence.append(
            Evidence(
                str(ref_of(ready_pods[0], "Pod")),
                "status.conditions[Ready]",
                f"True since {ready_pods[0].status.conditions and ready_since(ready_pods[0])}, "
                f"IP {ready_pods[0].status.pod_ip}, but no EndpointSlice lists it as ready",
            )
        )
        requires.append(CONTROLLER_MANAGER_LEASE)
        since = earliest(*(ready_since(p) for p in ready_pods))
        message = (
            f"Service {ns}/{svc.metadata.name} has no ready endpoint although {len(ready_pods)} selected pod(s) "
            "are Ready: its EndpointSlices are out of date (is kube-controller-manager running?)"
        )
    elif pods:
        since = earliest(*(not_ready_since(p) for p in pods))
        message = f"Service {ns}/{svc.metadata.name} has no ready endpoint: its {len(pods)} pod(s) are not Ready"
    else:
        workloads = [
            (kind, w)
            for kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet")
            for w in ctx.snapshot.of(kind)
            if isinstance(w, Workload)
            and w.metadata.namespace == ns
            and not w.metadata.owner_references
            and matches_map(w.spec.template.metadata.labels, selector)
        ]
        if not workloads:
            return  # nothing would ever match: service/selector-matches-nothing reports it
        wref = ref_of(workloads[0][1], workloads[0][0])
        for kind, w in workloads:
            requires.append(ref_of(w, kind))
            evidence.append(Evidence(str(ref_of(w, kind)), "spec.replicas", str(w.spec.replicas)))
        scaled_to_zero = all(w.spec.replicas == 0 for _, w in workloads)
        self_healing = False if scaled_to_zero else None
        since = earliest(*(created(s) for s in slices)) or created(svc)
        if scaled_to_zero:
            for event in ctx.events(wref, warning_only=False, recent=False):
                if event.reason == "ScalingReplicaSet":
                    since = ctx.event_time(event) or since
        message = f"Service {ns}/{svc.metadata.name} has no ready endpoint: " + (
            f"{wref} is scaled to 0" if scaled_to_zero else "its workload has no pods"
        )
    for client in clients:
        evidence.append(Evidence(str(client), "", "served by this Service: unavailable while it has no backend"))
    yield ctx.finding(
        RULE,
        ref,
        message,
        evidence=evidence,
        requires=requires,
        explains_refs=clients,
        since=since or created(svc),
        budget=SERVICE_BACKENDS_BUDGET,
        self_healing=self_healing,
        severity=Severity.CRITICAL if clients else Severity.HIGH,
    )


RULE = Rule(
    id="service/no-ready-backends",
    title="Service has no ready backend",
    severity=Severity.HIGH,
    layer=LAYER_PLATFORM,
    kinds=("Service", "EndpointSlice", "Pod"),
    check=check,
    module=__name__,
    fix="Make a backend Ready (follow the cascade to why the pods are not). Allow-all NetworkPolicies or "
    "`enable-policy: never` cannot fix this: EPERM/`no route to host` on a ClusterIP is the socket load "
    "balancer refusing a Service with no backend. Verify: `kubectl get endpointslices -n NS "
    "-l kubernetes.io/service-name=NAME`.",
    docs=(
        "https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/",
        "https://github.com/cilium/cilium/pull/45185",
        "https://cert-manager.io/docs/troubleshooting/webhook/",
    ),
)
