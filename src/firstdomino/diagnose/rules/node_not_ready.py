"""node/not-ready — nodes whose Ready condition is not True.

What it detects:
    Nodes with Ready False or Unknown, with the kubelet's reason (`NetworkPluginNotReady`, `cni plugin
    not initialized`, PLEG, pressure) and the taints that follow (`node.kubernetes.io/not-ready`,
    `node.cilium.io/agent-not-ready`). When the message is about the network plugin, the CNI agent pod on
    that node is the place to look, and the node is folded under the CNI cause.

Why it matters:
    Nothing but tolerating system pods schedules onto a NotReady node; on a fresh cluster that is every
    workload, including CoreDNS, so the whole bootstrap waits.

Example:
    `container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network
    plugin returns error: cni plugin not initialized`

Fix:
    Fix what the condition names; for the network plugin, make the CNI agent on the node Ready
    (`kubectl -n kube-system get pods -o wide -l k8s-app=cilium`).

References:
    https://kubernetes.io/docs/concepts/architecture/nodes/#condition
"""

from __future__ import annotations

from collections.abc import Iterator

from firstdomino.diagnose import signatures as sig
from firstdomino.diagnose.budgets import NODE_NOT_READY_BUDGET
from firstdomino.diagnose.common import condition, created, short
from firstdomino.diagnose.context import Context
from firstdomino.diagnose.finding import Evidence, Finding, Severity
from firstdomino.diagnose.rule import LAYER_NODE, Rule
from firstdomino.model.kinds import Node
from firstdomino.model.ref import ObjectRef
from firstdomino.model.timeutil import parse_time


def check(ctx: Context) -> Iterator[Finding]:
    for node in ctx.snapshot.of("Node"):
        if not isinstance(node, Node):
            continue
        ready = condition(node.status.conditions, "Ready")
        if ready is None or ready.status == "True":
            continue
        ref = ObjectRef("Node", "", node.metadata.name)
        text = f"Ready={ready.status} {ready.reason}: {ready.message}".strip()
        evidence = [Evidence(str(ref), "status.conditions[Ready]", short(text))]
        for taint in node.spec.taints:
            if taint.key.startswith(("node.kubernetes.io/", "node.cilium.io/")):
                evidence.append(Evidence(str(ref), "spec.taints", f"{taint.key}:{taint.effect}"))
        requires: list[ObjectRef] = []
        kinds = {s.kind for s in sig.classify(ready.message)}
        network = (
            sig.NETWORK_PLUGIN in kinds
            or "network" in ready.message.lower()
            or any(t.key == "node.cilium.io/agent-not-ready" for t in node.spec.taints)
        )
        if network:
            for pod in ctx.index.pods_by_node.get(node.metadata.name, []):
                labels = pod.metadata.labels
                if labels.get("k8s-app") == "cilium" or labels.get("app") == "flannel":
                    requires.append(ObjectRef("Pod", pod.metadata.namespace, pod.metadata.name))
            if not requires:  # no agent pod on the node at all: the CNI DaemonSet is the suspect
                requires.append(ObjectRef("DaemonSet", "kube-system", "cilium"))
        since = parse_time(ready.last_transition_time) or created(node)
        yield ctx.finding(
            RULE,
            ref,
            f"node {node.metadata.name} is NotReady: {short(ready.reason + ' ' + ready.message, 200)}",
            evidence=evidence,
            requires=requires,
            since=since,
            budget=NODE_NOT_READY_BUDGET,
            self_healing=None,
            severity=Severity.CRITICAL if network else Severity.HIGH,
        )


RULE = Rule(
    id="node/not-ready",
    title="Node not Ready",
    severity=Severity.HIGH,
    layer=LAYER_NODE,
    kinds=("Node",),
    check=check,
    module=__name__,
    fix="Fix what the Ready condition names; for NetworkPluginNotReady make the node's CNI agent Ready first. "
    "Verify: `kubectl get nodes -w`.",
    docs=("https://kubernetes.io/docs/concepts/architecture/nodes/#condition",),
)
