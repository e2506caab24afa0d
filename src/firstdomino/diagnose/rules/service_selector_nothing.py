"""service/selector-matches-nothing — a Service's selector matches no pod and no workload template.

What it detects:
    Services with a selector that matches no pod in their namespace and no pod template of any
    Deployment, StatefulSet or DaemonSet there: a label typo or a values mismatch (`instance: kyverno-prod`
    against pods labelled `instance: kyverno`). The EndpointSlice is the placeholder with `endpoints: null`.
    A workload scaled to zero is not this (see `service/no-ready-backends`).

Why it matters:
    The Service can never get a backend; webhooks and APIServices behind it fail closed forever
    (`no endpoints available for service`), and restarting pods changes nothing.

Example:
    kyverno/kyverno-svc selects `app.kubernetes.io/instance: kyverno-prod`; the admission-controller pods
    carry `app.kubernetes.io/instance: kyverno`.

Fix:
    Make the selector and the pod labels agree (fix the chart values or the Service). Verify:
    `kubectl get pods -n NS -l 'SELECTOR'` lists the pods, and the EndpointSlice gets endpoints.

References:
    https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service
"""

from __future__ import annotations

from collections.abc import Iterator

from firstdomino.diagnose.common import created, is_api_service
from firstdomino.diagnose.context import Context
from firstdomino.diagnose.finding import Evidence, Finding, Severity
from firstdomino.diagnose.rule import LAYER_CONFIG, Rule
from firstdomino.graph.index import matches_map
from firstdomino.model.kinds import Service, Workload
from firstdomino.model.snapshot import ref_of

_WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet")


def _near_miss(labels: dict[str, str], selector: dict[str, str]) -> int:
    return sum(1 for k, v in selector.items() if labels.get(k) == v)


def check(ctx: Context) -> Iterator[Finding]:
    if not ctx.snapshot.has_kind("Pod") or not all(ctx.snapshot.has_kind(k) for k in ("Deployment", "DaemonSet")):
        return  # absence is not evidence: without pods and workloads we cannot know
    for svc in ctx.snapshot.of("Service"):
        if not isinstance(svc, Service) or not svc.spec.selector or svc.spec.type == "ExternalName":
            continue
        ns, selector = svc.metadata.namespace, svc.spec.selector
        _ready, total, known = ctx.index.service_backends(svc)
        if known and total > 0:
            continue  # its slices list endpoints: the selector matches pods
        if is_api_service(ns, svc.metadata.name) or ctx.index.select_pods(ns, selector):
            continue
        templates = [
            w
            for kind in _WORKLOADS
            for w in ctx.snapshot.of(kind)
            if isinstance(w, Workload) and w.metadata.namespace == ns
        ]
        if any(matches_map(w.spec.template.metadata.labels, selector) for w in templates):
            continue
        ref = ref_of(svc, "Service")
        evidence = [Evidence(str(ref), "spec.selector", ", ".join(f"{k}={v}" for k, v in sorted(selector.items())))]
        closest = max(
            ctx.index.pods_by_namespace.get(ns, []), default=None, key=lambda p: _near_miss(p.metadata.labels, selector)
        )
        if closest is not None and _near_miss(closest.metadata.labels, selector) > 0:
            diff = [
                f"{k}={closest.metadata.labels.get(k, '<absent>')}"
                for k, v in sorted(selector.items())
                if closest.metadata.labels.get(k) != v
            ]
            evidence.append(
                Evidence(str(ref_of(closest, "Pod")), "metadata.labels", f"closest pod differs on: {', '.join(diff)}")
            )
        clients = ctx.graph.dependents(ref, "webhook-service") + ctx.graph.dependents(ref, "apiservice-service")
        yield ctx.finding(
            RULE,
            ref,
            f"Service {ns}/{svc.metadata.name} selects no pod and no workload template in {ns}: it can never have "
            "a backend",
            evidence=evidence,
            explains_refs=clients,
            since=created(svc),
            self_healing=False,
            severity=Severity.CRITICAL if clients else Severity.HIGH,
        )


RULE = Rule(
    id="service/selector-matches-nothing",
    title="Service selector matches nothing",
    severity=Severity.HIGH,
    layer=LAYER_CONFIG,
    kinds=("Service", "Pod", "Deployment"),
    check=check,
    module=__name__,
    fix="Make the Service selector and the pod labels agree (fix the chart values or the Service); verify with "
    "`kubectl get pods -n NS -l SELECTOR` and the EndpointSlice.",
    docs=("https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service",),
)
