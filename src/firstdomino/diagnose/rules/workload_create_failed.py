"""workload/pods-not-created — a controller cannot create the pods of its workload.

What it detects:
    ReplicaSets, StatefulSets, DaemonSets and Jobs whose `ReplicaFailure` condition is True or that have
    recent `FailedCreate` events, grouped under their top-level workload. The API server's answer is the
    evidence: an admission webhook that failed (`failed calling webhook "…"`, `no endpoints available for
    service "…"`), a ResourceQuota, a PodSecurity violation, a missing ServiceAccount. What it names (a
    webhook configuration, its Service) leads upstream.

Why it matters:
    No pod exists, so nothing shows up as crashing or pending: the workload is simply at 0/N and its
    Service has no endpoint. Pod-level tools see nothing wrong.

Example:
    `Error creating: Internal error occurred: failed calling webhook "validate.kyverno.svc-fail": failed to
    call webhook: Post "https://kyverno-svc.kyverno.svc:443/validate/fail?timeout=10s": no endpoints
    available for service "kyverno-svc"`

Fix:
    Fix what the API server names: make the webhook's Service have a backend, raise the quota, fix the
    security context or create the ServiceAccount. The controller retries by itself. Verify:
    `kubectl get rs -n NS -w`.

References:
    https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#failed-deployment
    https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from firstdomino.diagnose.budgets import MISSING_CONFIG_BUDGET
from firstdomino.diagnose.common import condition, created, earliest, short
from firstdomino.diagnose.context import Context
from firstdomino.diagnose.finding import Evidence, Finding, Severity
from firstdomino.diagnose.rule import LAYER_LEAF, Rule
from firstdomino.model.kinds import Workload
from firstdomino.model.ref import ObjectRef
from firstdomino.model.snapshot import ref_of
from firstdomino.model.timeutil import parse_time

_CONTROLLED = ("ReplicaSet", "StatefulSet", "DaemonSet", "Job")


def _short_of_pods(kind: str, obj: object) -> bool:
    """Whether the controller has fewer pods than it wants now (old FailedCreate events are history)."""
    if not isinstance(obj, Workload):
        return True
    status = obj.status
    if kind == "DaemonSet":
        return status.current_number_scheduled < status.desired_number_scheduled or (
            status.desired_number_scheduled == 0 and status.number_ready == 0
        )
    if kind in ("ReplicaSet", "StatefulSet"):
        return status.replicas < (obj.spec.replicas if obj.spec.replicas is not None else 1)
    return True


def check(ctx: Context) -> Iterator[Finding]:
    groups: dict[ObjectRef, list[tuple[ObjectRef, str, str, datetime | None]]] = {}
    for kind in _CONTROLLED:
        for obj in ctx.snapshot.of(kind):
            ref = ref_of(obj, kind)
            if not _short_of_pods(kind, obj):
                continue
            message, path = "", ""
            since: datetime | None = None
            if isinstance(obj, Workload):
                if kind == "ReplicaSet" and (obj.spec.replicas or 0) == 0:
                    continue
                cond = condition(obj.status.conditions, "ReplicaFailure")
                if cond is not None and cond.status == "True":
                    message, path, since = (
                        cond.message,
                        "status.conditions[ReplicaFailure]",
                        parse_time(cond.last_transition_time),
                    )
            events = [e for e in ctx.events(ref) if e.reason == "FailedCreate"]
            if events:
                message = message or events[-1].message or events[-1].note
                path = path or f"Event/{events[-1].metadata.namespace}/{events[-1].metadata.name}"
                since = earliest(since, *(ctx.event_first(e) for e in events))
            if not message:
                continue
            groups.setdefault(ctx.index.top_owner(obj, kind), []).append((ref, path, message, since or created(obj)))
    for owner, items in sorted(groups.items()):
        signals = ctx.signals((str(ref), path, message) for ref, path, message, _ in items)
        requires = ctx.suspects(signals, owner.namespace)
        first = items[0]
        yield ctx.finding(
            RULE,
            owner,
            f"{owner} cannot create its pods: {short(first[2], 220)}",
            evidence=[Evidence(str(ref), path, short(message)) for ref, path, message, _ in items[:3]],
            requires=requires,
            affected=[ref for ref, _, _, _ in items],
            since=earliest(*(s for _, _, _, s in items if s is not None)),
            budget=MISSING_CONFIG_BUDGET,
            self_healing=None,
        )


RULE = Rule(
    id="workload/pods-not-created",
    title="Controller cannot create pods",
    severity=Severity.HIGH,
    layer=LAYER_LEAF,
    kinds=("ReplicaSet", "StatefulSet", "DaemonSet", "Event"),
    check=check,
    module=__name__,
    fix="Fix what the API server's error names (a webhook's Service, a ResourceQuota, PodSecurity, a missing "
    "ServiceAccount); the controller retries by itself. Verify: `kubectl get rs -n NS -w`.",
    docs=(
        "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#failed-deployment",
        "https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/",
    ),
)
