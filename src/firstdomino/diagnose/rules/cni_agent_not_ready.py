"""cni/agent-not-ready — the CNI agent (Cilium DaemonSet pod) is not Ready on some nodes.

What it detects:
    The Cilium DaemonSet (kube-system/cilium, or any DaemonSet labelled k8s-app=cilium) with agent pods
    that are not Ready: Pending, Init:CrashLoopBackOff (the `config` init container cannot reach the API),
    CrashLoopBackOff, or Running but failing readiness. Evidence: DaemonSet counts, per-pod state, and the
    agent's last errors. What those errors point at (the API Service, a Helm release that keeps rolling
    the DaemonSet) leads upstream.

Why it matters:
    Without a Ready agent on a node, pod sandboxes fail (`FailedCreatePodSandBox`), the node stays
    NotReady (`NetworkPluginNotReady`) and tainted `node.cilium.io/agent-not-ready`, and nothing that
    needs pod networking (CoreDNS first) can start: every later symptom follows.

Example:
    DaemonSet cilium 0/3 ready; cilium-xxxxx in Init:CrashLoopBackOff with `Unable to contact k8s
    api-server ... dial tcp 10.96.0.1:443: i/o timeout`.

Fix:
    Read `kubectl -n kube-system logs ds/cilium -c config` and `-c cilium-agent`; fix what they name
    (API endpoint, Talos values, the controller fighting over the release). `cilium status --wait`
    verifies.

References:
    https://docs.cilium.io/en/stable/operations/troubleshooting/
    https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium
"""

from __future__ import annotations

from collections.abc import Iterator

from firstdomino.diagnose.budgets import CNI_AGENT_BUDGET
from firstdomino.diagnose.common import created, earliest, find_cilium, not_ready_since, pod_ready, short
from firstdomino.diagnose.context import Context
from firstdomino.diagnose.finding import Evidence, Finding, Severity
from firstdomino.diagnose.rule import LAYER_CNI, Rule
from firstdomino.model.ref import ObjectRef
from firstdomino.model.snapshot import ref_of


def _state(pod: object) -> str:
    from firstdomino.model.kinds import Pod

    assert isinstance(pod, Pod)
    for st in (*pod.status.init_container_statuses, *pod.status.container_statuses):
        if st.state.waiting is not None and st.state.waiting.reason:
            return f"{st.name}: {st.state.waiting.reason}"
    return pod.status.phase or "unknown"


def check(ctx: Context) -> Iterator[Finding]:
    ds, cm = find_cilium(ctx.snapshot)
    if ds is None:
        return
    ref = ref_of(ds, "DaemonSet")
    pods = ctx.index.pods_of_workload(ref)
    bad = [p for p in pods if not pod_ready(p)]
    status = ds.status
    if not bad and (status.desired_number_scheduled == 0 or status.number_ready >= status.desired_number_scheduled):
        return
    evidence = [
        Evidence(
            str(ref),
            "status",
            f"numberReady {status.number_ready}/{status.desired_number_scheduled}, "
            f"updated {status.updated_number_scheduled}, unavailable "
            f"{status.number_unavailable}",
        )
    ]
    for pod in bad[:4]:
        evidence.append(Evidence(str(ref_of(pod, "Pod")), "status", _state(pod)))
    signals = ctx.signals(t for pod in bad[:3] for t in ctx.pod_texts(pod))
    evidence += [e for _, e in signals[:4]]
    requires: list[ObjectRef] = ctx.suspects(signals, ds.metadata.namespace)
    if cm is not None:
        requires.append(ref_of(cm, "ConfigMap"))
    requires += ctx.graph.dependencies(ref, "helm-release")
    since = earliest(*(not_ready_since(p) for p in bad)) or created(ds)
    first = next((s.text for s, _ in signals), "")
    message = (
        f"Cilium agent not Ready on {len(bad) or status.number_unavailable} of "
        f"{status.desired_number_scheduled or len(pods)} node(s)"
    )
    if first:
        message += f"; last error: {short(first, 180)}"
    yield ctx.finding(
        RULE,
        ref,
        message,
        evidence=evidence,
        requires=requires,
        affected=[ref_of(p, "Pod") for p in bad],
        since=since,
        budget=CNI_AGENT_BUDGET,
        self_healing=None,
    )


RULE = Rule(
    id="cni/agent-not-ready",
    title="CNI agent not Ready",
    severity=Severity.CRITICAL,
    layer=LAYER_CNI,
    kinds=("DaemonSet", "Pod"),
    check=check,
    module=__name__,
    fix="Read `kubectl -n kube-system logs ds/cilium -c config` and `-c cilium-agent` and fix what they name; "
    "verify with `cilium status --wait`.",
    docs=(
        "https://docs.cilium.io/en/stable/operations/troubleshooting/",
        "https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium",
    ),
)
