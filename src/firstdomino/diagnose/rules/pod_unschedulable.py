"""pod/unschedulable — pods the scheduler cannot place.

What it detects:
    Pending pods whose PodScheduled condition is False with reason Unschedulable, grouped by workload,
    with the scheduler's message (`0/3 nodes are available: 3 Insufficient memory`). During bootstrap,
    "untolerated taint node.kubernetes.io/not-ready" or "node.cilium.io/agent-not-ready" means the
    nodes are waiting for the CNI: the pod is then explained by the node or CNI cause.

Why it matters:
    A pod that is never scheduled never starts; whatever depends on it waits forever.

Example:
    `0/3 nodes are available: 3 Insufficient memory.` for 45 minutes on a StatefulSet asking 24Gi.

Fix:
    Lower the requests, add capacity, or fix the taints/affinity the message names; for bootstrap
    taints, fix the node or CNI first.

References:
    https://kubernetes.io/docs/concepts/scheduling-eviction/kube-scheduler/
"""

from __future__ import annotations

from collections.abc import Iterator

from firstdomino.diagnose.budgets import UNSCHEDULABLE_BUDGET
from firstdomino.diagnose.common import condition, created, earliest, short
from firstdomino.diagnose.context import Context, group_by_workload
from firstdomino.diagnose.finding import Evidence, Finding, Severity
from firstdomino.diagnose.rule import LAYER_LEAF, Rule
from firstdomino.model.ref import ObjectRef
from firstdomino.model.snapshot import ref_of
from firstdomino.model.timeutil import parse_time

_BOOTSTRAP_TAINTS = (
    "node.kubernetes.io/not-ready",
    "node.cilium.io/agent-not-ready",
    "node.kubernetes.io/network-unavailable",
    "node.cloudprovider.kubernetes.io/uninitialized",
)


def check(ctx: Context) -> Iterator[Finding]:
    pending = []
    for pod in ctx.unhealthy_pods:
        if pod.status.phase not in ("Pending", "") or pod.spec.node_name:
            continue
        cond = condition(pod.status.conditions, "PodScheduled")
        if cond is not None and cond.status == "False" and cond.reason == "Unschedulable":
            pending.append((pod, cond))
    by_pod = {id(p): c for p, c in pending}
    for owner, members in group_by_workload(ctx, [p for p, _ in pending]).items():
        cond = by_pod[id(members[0])]
        message = cond.message
        for event in ctx.events(ref_of(members[0], "Pod")):
            if event.reason == "FailedScheduling":
                message = event.message or message
        requires: list[ObjectRef] = []
        if any(t in message for t in _BOOTSTRAP_TAINTS):
            requires = [ObjectRef("Node", "", n.metadata.name) for n in ctx.snapshot.of("Node")]
        since = earliest(*(parse_time(by_pod[id(p)].last_transition_time) or created(p) for p in members))
        yield ctx.finding(
            RULE,
            owner,
            f"{len(members)} pod(s) of {owner} cannot be scheduled: {short(message, 220)}",
            evidence=[
                Evidence(str(ref_of(p, "Pod")), "status.conditions[PodScheduled]", short(by_pod[id(p)].message))
                for p in members[:3]
            ],
            requires=requires,
            affected=[ref_of(p, "Pod") for p in members],
            since=since,
            budget=UNSCHEDULABLE_BUDGET,
            self_healing=None,
        )


RULE = Rule(
    id="pod/unschedulable",
    title="Pods cannot be scheduled",
    severity=Severity.HIGH,
    layer=LAYER_LEAF,
    kinds=("Pod",),
    check=check,
    module=__name__,
    fix="Lower the requests, add capacity, or fix the taints/affinity the scheduler names; bootstrap taints "
    "(not-ready, agent-not-ready) clear when the node's CNI is up.",
    docs=("https://kubernetes.io/docs/concepts/scheduling-eviction/kube-scheduler/",),
)
