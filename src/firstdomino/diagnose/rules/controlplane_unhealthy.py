"""controlplane/component-unhealthy — kube-apiserver, kube-controller-manager, kube-scheduler or etcd is unhealthy.

What it detects:
    A leader-election Lease (kube-system/kube-controller-manager, kube-system/kube-scheduler) not renewed
    for several lease durations — no instance of the component is working — and control-plane static/mirror
    pods that are not Ready or keep restarting. Their logs are read for lease timeouts against the local API
    endpoint (`error retrieving resource lock … https://127.0.0.1:7445/… Client.Timeout exceeded`, KubePrism on
    Talos) and for etcd slowness (`slow fdatasync`, `apply request took too long`, `etcdserver: request timed
    out`).

Why it matters:
    Without a leading kube-controller-manager, no controller runs: EndpointSlices are not updated (a
    restarted webhook pod never becomes a Service backend, so calls keep failing with `operation not
    permitted`), ReplicaSets are not scaled, nodes are not reconciled. Lease timeouts against the local API
    point at a slow API server, usually a slow etcd disk.

Example:
    Lease kube-controller-manager last renewed 28 minutes ago; kube-controller-manager-obsy in
    CrashLoopBackOff with `leaderelection lost`; kube-apiserver logs `etcdserver: request timed out`.

Fix:
    Make etcd fast again (dedicated low-latency disk, remove I/O contention, `talosctl etcd defrag` on a
    bloated database; check `talosctl -n NODE logs etcd` and `talosctl etcd status`), then confirm the lease
    is renewed: `kubectl -n kube-system get lease kube-controller-manager -o yaml`.

References:
    https://www.talos.dev/v1.11/kubernetes-guides/configuration/kubeprism/
    https://etcd.io/docs/v3.5/faq/#what-does-the-etcd-warning-failed-to-send-out-heartbeat-on-time-mean
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from firstdomino.diagnose import signatures as sig
from firstdomino.diagnose.budgets import CONTROLPLANE_BUDGET, LEASE_STALE_FACTOR
from firstdomino.diagnose.common import earliest, not_ready_since, pod_ready
from firstdomino.diagnose.context import Context
from firstdomino.diagnose.finding import Evidence, Finding, Severity
from firstdomino.diagnose.rule import LAYER_CONTROL_PLANE, Rule
from firstdomino.model.kinds import Lease, Pod
from firstdomino.model.ref import ObjectRef
from firstdomino.model.snapshot import ref_of
from firstdomino.model.timeutil import format_duration, parse_time

COMPONENTS = ("kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd")
_INTERESTING = (sig.LEASE, sig.DEADLINE, sig.ETCD_SLOW, sig.TIMEOUT)


def _component(pod: Pod) -> str:
    """The control-plane component a static/mirror pod runs ("" for anything else, e.g. a Job's pod)."""
    if pod.status.phase in ("Succeeded", "Failed"):
        return ""
    labels = pod.metadata.labels
    name = labels.get("component") or ""
    mirror = any(o.kind == "Node" for o in pod.metadata.owner_references) or labels.get("tier") == "control-plane"
    if name in COMPONENTS and mirror:
        return name
    if not mirror:
        return ""
    return next((c for c in COMPONENTS if pod.metadata.name.startswith(c + "-")), "")


def _restarting(pod: Pod) -> bool:
    return any(
        s.restart_count >= 3 and (s.state.waiting is not None or not s.ready) for s in pod.status.container_statuses
    )


def check(ctx: Context) -> Iterator[Finding]:
    pods: dict[str, list[Pod]] = {c: [] for c in COMPONENTS}
    for pod in ctx.index.pods_by_namespace.get("kube-system", []):
        comp = _component(pod)
        if comp:
            pods[comp].append(pod)
    apiserver_signals = ctx.signals(t for p in pods["kube-apiserver"][:3] for t in ctx.pod_texts(p))
    etcd_evidence = [e for s, e in apiserver_signals if s.kind == sig.ETCD_SLOW][:2]
    stale_components: set[str] = set()
    for comp in ("kube-controller-manager", "kube-scheduler"):
        lease = ctx.snapshot.get(ObjectRef("Lease", "kube-system", comp))
        if not isinstance(lease, Lease):
            continue
        renewed = parse_time(lease.spec.renew_time)
        duration = timedelta(seconds=lease.spec.lease_duration_seconds or 15)
        if renewed is None or ctx.now - renewed <= duration * LEASE_STALE_FACTOR:
            continue
        stale_components.add(comp)
        ref = ref_of(lease, "Lease")
        members = pods[comp]
        signals = ctx.signals(t for p in members[:3] for t in ctx.pod_texts(p))
        evidence = [
            Evidence(
                str(ref),
                "spec.renewTime",
                f"{lease.spec.renew_time} by {lease.spec.holder_identity}: not "
                f"renewed for {format_duration(ctx.now - renewed)} "
                f"(leaseDurationSeconds {int(duration.total_seconds())})",
            )
        ]
        for pod in members[:3]:
            state = "Ready" if pod_ready(pod) else "not Ready"
            restarts = max((s.restart_count for s in pod.status.container_statuses), default=0)
            evidence.append(Evidence(str(ref_of(pod, "Pod")), "status", f"{state}, {restarts} restart(s)"))
        evidence += [e for s, e in signals if s.kind in _INTERESTING][:3] + etcd_evidence
        yield ctx.finding(
            RULE,
            ref,
            f"no active {comp}: its leader lease has not been renewed for {format_duration(ctx.now - renewed)}"
            + (
                "; no controller runs (EndpointSlices, ReplicaSets, nodes are not reconciled)"
                if comp == "kube-controller-manager"
                else "; no new pod is scheduled"
            ),
            evidence=evidence,
            affected=[ref_of(p, "Pod") for p in members],
            explains_refs=[ref_of(p, "Pod") for p in members],
            since=renewed,
            budget=CONTROLPLANE_BUDGET,
            self_healing=None,
            severity=Severity.CRITICAL,
        )
    for comp, members in pods.items():
        if comp in stale_components:
            continue
        for pod in members:
            if pod_ready(pod) and not _restarting(pod):
                continue
            ref = ref_of(pod, "Pod")
            signals = ctx.signals(ctx.pod_texts(pod))
            evidence = [Evidence(str(ref), "status", "not Ready" if not pod_ready(pod) else "restarting")]
            evidence += [e for s, e in signals if s.kind in _INTERESTING][:3]
            yield ctx.finding(
                RULE,
                ref,
                f"control-plane component {pod.metadata.name} is unhealthy",
                evidence=evidence,
                since=earliest(not_ready_since(pod)),
                budget=CONTROLPLANE_BUDGET,
                self_healing=None,
                severity=Severity.MEDIUM,
            )


RULE = Rule(
    id="controlplane/component-unhealthy",
    title="Control-plane component unhealthy",
    severity=Severity.HIGH,
    layer=LAYER_CONTROL_PLANE,
    kinds=("Pod", "Lease"),
    check=check,
    module=__name__,
    fix="Make etcd fast again (dedicated low-latency disk, no I/O contention, `talosctl etcd defrag` if the DB is "
    "bloated; check `talosctl -n NODE logs etcd`, `talosctl etcd status`), then confirm the lease is renewed: "
    "`kubectl -n kube-system get lease kube-controller-manager -o yaml`.",
    docs=(
        "https://www.talos.dev/v1.11/kubernetes-guides/configuration/kubeprism/",
        "https://etcd.io/docs/v3.5/faq/#what-does-the-etcd-warning-failed-to-send-out-heartbeat-on-time-mean",
    ),
)
