"""Bootstrap progress: which components are ready in a snapshot, and what moved between two.

A component is something an operator waits for after an apply: each Node, each Deployment, DaemonSet and
StatefulSet (all desired replicas ready), each Flux Kustomization and HelmRelease (`Ready=True`) and each
Argo CD Application (`Synced` and `Healthy`). `watch` compares these between steps and records when each
first became ready. Pure functions of a Snapshot; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from firstdomino.diagnose.common import condition
from firstdomino.model.kinds import Application, HelmRelease, Kustomization, Node, Object, Workload
from firstdomino.model.snapshot import Snapshot, ref_of

KINDS = ("Node", "Deployment", "DaemonSet", "StatefulSet", "Kustomization", "HelmRelease", "Application")


def _ready(kind: str, obj: Object) -> bool:
    if isinstance(obj, Node):
        cond = condition(obj.status.conditions, "Ready")
        return cond is not None and cond.status == "True"
    if isinstance(obj, Workload):
        status = obj.status
        if kind == "DaemonSet":
            desired = status.desired_number_scheduled
            return desired > 0 and status.number_ready >= desired
        want = obj.spec.replicas if obj.spec.replicas is not None else 1
        return status.ready_replicas >= want and status.observed_generation >= obj.metadata.generation
    if isinstance(obj, Kustomization | HelmRelease):
        cond = condition(obj.status.conditions, "Ready")
        return cond is not None and cond.status == "True"
    if isinstance(obj, Application):
        return obj.status.sync.status == "Synced" and obj.status.health.status == "Healthy"
    return False


def components(snapshot: Snapshot) -> dict[str, bool]:
    """`Kind/namespace/name` -> ready, for every component in the snapshot."""
    out: dict[str, bool] = {}
    for kind in KINDS:
        for obj in snapshot.of(kind):
            out[str(ref_of(obj, kind))] = _ready(kind, obj)
    return out


@dataclass(frozen=True)
class Moves:
    """What changed between two steps."""

    became_ready: tuple[str, ...]
    became_unready: tuple[str, ...]
    appeared: tuple[str, ...]
    disappeared: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.became_ready or self.became_unready or self.appeared or self.disappeared)


def moves(before: dict[str, bool], after: dict[str, bool]) -> Moves:
    return Moves(
        became_ready=tuple(sorted(k for k, v in after.items() if v and before.get(k) is False)),
        became_unready=tuple(sorted(k for k, v in after.items() if not v and before.get(k) is True)),
        appeared=tuple(sorted(k for k in after if k not in before)),
        disappeared=tuple(sorted(k for k in before if k not in after)),
    )
