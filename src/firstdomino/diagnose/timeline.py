"""The bootstrap timeline, reconstructed from one snapshot: per component, when it was created, when it
first failed, and when it became ready.

Components are the ones `progress` counts (nodes, Deployments, DaemonSets, StatefulSets, Flux
Kustomizations and HelmReleases, Argo CD Applications). Times come only from the objects:
`creationTimestamp`; the first failure is the earliest `since` of a finding on the component, on a pod it
owns (through ReplicaSets), or that names it among the objects it affects; the ready time is the
transition of the condition that says so (Node/Flux `Ready`, Deployment `Available`, Argo CD health) or,
for DaemonSets and StatefulSets, the latest Ready transition of their pods. A time the snapshot does not
hold is left out (null), never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from firstdomino.diagnose.common import condition, ready_since
from firstdomino.diagnose.finding import Finding
from firstdomino.diagnose.progress import KINDS, components
from firstdomino.graph.index import Index
from firstdomino.model.kinds import Application, HelmRelease, Kustomization, Node, Object, Pod, Workload
from firstdomino.model.snapshot import Snapshot, ref_of
from firstdomino.model.timeutil import parse_time


@dataclass(frozen=True)
class Entry:
    component: str
    created: datetime | None
    first_failed: datetime | None
    ready_at: datetime | None
    ready: bool
    failures: tuple[str, ...]  #: finding keys on the component


def _ready_time(kind: str, obj: Object, pods: list[Pod]) -> datetime | None:
    if isinstance(obj, Node | Kustomization | HelmRelease):
        cond = condition(obj.status.conditions, "Ready")
        return parse_time(cond.last_transition_time) if cond is not None and cond.status == "True" else None
    if isinstance(obj, Application):
        health = obj.status.health
        return parse_time(health.last_transition_time) if health.status == "Healthy" else None
    if isinstance(obj, Workload):
        if kind == "Deployment":
            available = condition(obj.status.conditions, "Available")
            if available is not None and available.status == "True":
                return parse_time(available.last_transition_time)
        times = [t for t in (ready_since(p) for p in pods) if t is not None]
        return max(times) if times else None
    return None


def timeline(snapshot: Snapshot, index: Index, findings: list[Finding]) -> tuple[Entry, ...]:
    ready_now = components(snapshot)
    pods_of: dict[str, list[Pod]] = {}
    for pod in snapshot.pods():
        for owner in index.owner_chain(pod):
            if owner.kind in ("DaemonSet", "StatefulSet", "Deployment"):
                pods_of.setdefault(str(owner), []).append(pod)
                break
    failures: dict[str, list[Finding]] = {}
    for f in findings:
        if f.hazard:
            continue
        targets = {str(f.subject), *(str(a) for a in f.affected)}
        if f.subject.kind == "Pod":
            subject = snapshot.get(f.subject)
            if subject is not None:
                targets |= {str(o) for o in index.owner_chain(subject)}
        for target in targets:
            failures.setdefault(target, []).append(f)
    entries: list[Entry] = []
    for kind in KINDS:
        for obj in snapshot.of(kind):
            name = str(ref_of(obj, kind))
            found = failures.get(name, [])
            starts = [f.since for f in found if f.since is not None]
            ready = ready_now.get(name, False)
            entries.append(
                Entry(
                    component=name,
                    created=parse_time(obj.metadata.creation_timestamp),
                    first_failed=min(starts) if starts else None,
                    ready_at=_ready_time(kind, obj, pods_of.get(name, [])) if ready else None,
                    ready=ready,
                    failures=tuple(sorted({f.key for f in found})),
                )
            )
    return tuple(
        sorted(entries, key=lambda e: (e.created is None, e.created.isoformat() if e.created else "", e.component))
    )
