"""pod/crash-looping — containers that keep crashing (CrashLoopBackOff, Init:CrashLoopBackOff).

What it detects:
    Pods whose containers (or init containers) are in CrashLoopBackOff, or keep restarting with a
    terminated last state, grouped by their workload. The error lines of the container's logs and
    termination messages become evidence, and what they point at (a Service behind a ClusterIP, the
    cluster DNS, a webhook) becomes the place to look upstream.

Why it matters:
    A crash loop is usually a consequence: on a fresh cluster most containers crash because something
    they need (the API server, DNS, a webhook, a Secret) is not there yet. This generic leaf is reported
    as a root cause only when nothing deeper explains it.

Example:
    cert-manager-webhook in CrashLoopBackOff with 101 restarts and the log line
    `error building admission chain: Get "https://10.96.0.1:443/api": dial tcp 10.96.0.1:443: i/o timeout`
    is folded under the cause that makes 10.96.0.1 unreachable.

Fix:
    Read the previous container's log (`kubectl logs -p POD -c CONTAINER`); fix what the last error
    names. If the error names another component, fix that component first.

References:
    https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-restarts
"""

from __future__ import annotations

from collections.abc import Iterator

from firstdomino.diagnose.budgets import CRASHLOOP_BUDGET
from firstdomino.diagnose.common import all_statuses, earliest, not_ready_since, short
from firstdomino.diagnose.context import Context, group_by_workload, pod_requires
from firstdomino.diagnose.finding import Evidence, Finding, Severity
from firstdomino.diagnose.rule import LAYER_LEAF, Rule
from firstdomino.model.kinds import Pod
from firstdomino.model.snapshot import ref_of
from firstdomino.model.timeutil import parse_time

#: A container restarted this often and not running now is crash-looping even without the reason.
MIN_RESTARTS = 3


def _crashing(pod: Pod) -> list[tuple[int, str, str]]:
    out = []
    group = "initContainerStatuses"
    for statuses in (pod.status.init_container_statuses, pod.status.container_statuses):
        for i, st in enumerate(statuses):
            waiting = st.state.waiting
            if (waiting is not None and waiting.reason == "CrashLoopBackOff") or (
                st.restart_count >= MIN_RESTARTS and not st.ready and st.state.running is None
            ):
                out.append((i, group, st.name))
        group = "containerStatuses"
    return out


def check(ctx: Context) -> Iterator[Finding]:
    hits = {id(p): _crashing(p) for p in ctx.unhealthy_pods}
    pods = [p for p in ctx.unhealthy_pods if hits[id(p)]]
    for owner, members in group_by_workload(ctx, pods).items():
        evidence: list[Evidence] = []
        restarts = 0
        since = None
        for pod in members:
            for i, group, name in hits[id(pod)]:
                st = (
                    pod.status.init_container_statuses if group.startswith("init") else pod.status.container_statuses
                )[i]
                restarts = max(restarts, st.restart_count)
                last = st.last_state.terminated
                text = f"container {name}: restartCount {st.restart_count}"
                if last is not None:
                    text += f", last exit {last.exit_code} ({last.reason or 'Error'})"
                evidence.append(Evidence(str(ref_of(pod, "Pod")), f"status.{group}[{i}]", text))
            since = earliest(since, not_ready_since(pod))
        sample = members[:3]
        signals = ctx.signals(t for pod in sample for t in ctx.pod_texts(pod))
        evidence.extend(e for _, e in signals[:6])
        requires = [r for pod in sample for r in pod_requires(ctx, pod, signals)]
        first_error = next((s.text for s, _ in signals), "")
        who = (
            f"pod {owner.namespace}/{owner.name} keeps"
            if owner.kind == "Pod"
            else f"{len(members)} pod(s) of {owner} keep"
        )
        message = f"{who} crashing (up to {restarts} restarts)"
        if first_error:
            message += f"; last error: {short(first_error, 200)}"
        pods_since = [parse_time(p.metadata.creation_timestamp) for p in members]
        yield ctx.finding(
            RULE,
            owner,
            message,
            evidence=evidence[:10],
            requires=requires,
            affected=[ref_of(p, "Pod") for p in members],
            since=since or earliest(*pods_since),
            budget=CRASHLOOP_BUDGET,
            self_healing=None,
            severity=Severity.HIGH if all_statuses(members[0]) else Severity.MEDIUM,
        )


RULE = Rule(
    id="pod/crash-looping",
    title="Containers keep crashing",
    severity=Severity.HIGH,
    layer=LAYER_LEAF,
    kinds=("Pod",),
    check=check,
    module=__name__,
    fix="Read `kubectl logs --previous` of the crashing container and fix what its last error names; "
    "when it names another component (API server, DNS, a webhook), fix that first.",
    docs=("https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-restarts",),
)
