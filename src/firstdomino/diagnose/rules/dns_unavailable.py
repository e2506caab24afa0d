"""dns/cluster-dns-unavailable — the cluster DNS Service (kube-system/kube-dns) has no ready backend.

What it detects:
    kube-dns with no ready endpoint in its EndpointSlices, with why the CoreDNS pods are not Ready:
    Pending (nodes or CNI not ready), Running but not Ready (`plugin/ready: Still waiting on:
    "kubernetes"` — CoreDNS cannot reach the API server), or crash-looping.

Why it matters:
    Every in-cluster lookup fails. With Cilium's socket load balancer the lookup fails immediately with
    `dial udp 10.96.0.10:53: connect: operation not permitted` (or `no route to host`) — not a policy
    denial — so Argo CD cannot reach its repo-server, Flux cannot resolve its Git host, and controllers
    crash. Clients recover the moment one CoreDNS pod is Ready.

Example:
    `lookup argocd-repo-server on 10.96.0.10:53: dial udp 10.96.0.10:53: connect: operation not permitted`
    while both CoreDNS pods log `Still waiting on: "kubernetes"`.

Fix:
    Make CoreDNS Ready: follow the cascade (API reachability, CNI, scheduling). Do not add "allow DNS"
    NetworkPolicies: with no policy selecting the pods they switch them to default-deny egress and cannot
    fix a Service without backends. Verify: `kubectl -n kube-system get endpointslices
    -l kubernetes.io/service-name=kube-dns` and `kubectl run -it --rm dnstest --image=busybox:1.36
    --restart=Never -- nslookup kubernetes.default`.

References:
    https://kubernetes.io/docs/tasks/administer-cluster/dns-debugging-resolution/
    https://github.com/cilium/cilium/issues/36967
"""

from __future__ import annotations

from collections.abc import Iterator

from firstdomino.diagnose.budgets import SERVICE_BACKENDS_BUDGET
from firstdomino.diagnose.common import CLUSTER_DNS_NAMES, created, earliest, not_ready_since, pod_ready
from firstdomino.diagnose.context import Context
from firstdomino.diagnose.finding import Evidence, Finding, Severity
from firstdomino.diagnose.rule import LAYER_PLATFORM, Rule
from firstdomino.model.snapshot import ref_of


def check(ctx: Context) -> Iterator[Finding]:
    for ns, name in CLUSTER_DNS_NAMES:
        svc = ctx.index.service(ns, name)
        if svc is None:
            continue
        ready, total, known = ctx.index.service_backends(svc)
        if not known or ready > 0:
            return
        ref = ref_of(svc, "Service")
        pods = ctx.index.select_pods(ns, svc.spec.selector)
        evidence = [Evidence(str(ref), "endpoints", f"0 ready of {total} endpoint(s)")]
        for pod in pods[:3]:
            state = "Ready" if pod_ready(pod) else pod.status.phase or "unknown"
            evidence.append(Evidence(str(ref_of(pod, "Pod")), "status", f"{state}, not serving"))
        signals = ctx.signals(t for pod in pods[:2] for t in ctx.pod_texts(pod))
        evidence += [e for _, e in signals[:3]]
        since = earliest(*(not_ready_since(p) for p in pods)) or created(svc)
        yield ctx.finding(
            RULE,
            ref,
            f"cluster DNS {ns}/{name} ({svc.spec.cluster_ip}) has no ready backend: every in-cluster lookup fails"
            + (f"; {len(pods)} CoreDNS pod(s) not Ready" if pods else "; no CoreDNS pod exists"),
            evidence=evidence,
            requires=[ref_of(p, "Pod") for p in pods] + ctx.suspects(signals, ns),
            since=since,
            budget=SERVICE_BACKENDS_BUDGET,
            self_healing=None,
        )
        return


RULE = Rule(
    id="dns/cluster-dns-unavailable",
    title="Cluster DNS has no ready backend",
    severity=Severity.CRITICAL,
    layer=LAYER_PLATFORM,
    kinds=("Service", "EndpointSlice", "Pod"),
    check=check,
    module=__name__,
    fix="Make CoreDNS Ready (follow the cascade: API reachability, CNI, scheduling). Do not add allow-DNS "
    "NetworkPolicies or disable policy enforcement. Verify: `kubectl -n kube-system get endpointslices "
    "-l kubernetes.io/service-name=kube-dns`; `kubectl run -it --rm dnstest --image=busybox:1.36 "
    "--restart=Never -- nslookup kubernetes.default`.",
    docs=(
        "https://kubernetes.io/docs/tasks/administer-cluster/dns-debugging-resolution/",
        "https://github.com/cilium/cilium/issues/36967",
    ),
)
