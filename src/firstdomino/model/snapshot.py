"""The frozen Snapshot: every object read, indexed by kind and by reference, plus logs, Hubble's
policy drops (`PolicyDrop`) and the account of what could not be read (`InputProblem`) or was not
collected (`NotChecked`).

A Snapshot is built once by `SnapshotBuilder` (fed by `sources`) and never changes afterwards: the
indexes are read-only mappings and the dataclass is frozen (a test enforces both).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType

from firstdomino.model.kinds import CLUSTER_SCOPED, Object, Pod
from firstdomino.model.ref import ObjectRef
from firstdomino.model.timeutil import parse_time

LogKey = tuple[str, str, str, bool]
"""(namespace, pod, container, previous)"""


@dataclass(frozen=True)
class InputProblem:
    """A file or object that could not be read (fully). `id` is `input/unparseable` unless said.
    Ordered by path, then line (a problem without a line first), message and id."""

    path: str
    line: int | None
    message: str
    id: str = "input/unparseable"

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "path": self.path, "line": self.line, "message": self.message}

    def _key(self) -> tuple[str, int, str, str]:
        return (self.path, -1 if self.line is None else self.line, self.message, self.id)

    def __lt__(self, other: InputProblem) -> bool:
        # not `order=True`: a file with one problem without a line and one with a line made sorting raise
        # TypeError (None < int), in `diagnose --from` and in `lint`
        return self._key() < other._key()


@dataclass(frozen=True, order=True)
class NotChecked:
    """Something the diagnosis could not look at, and why (RBAC, a dump that lacks a kind, ...)."""

    what: str
    why: str

    def as_dict(self) -> dict[str, str]:
        return {"what": self.what, "why": self.why}


@dataclass(frozen=True, order=True)
class PolicyDrop:
    """Flows that Hubble saw dropped by network policy, summarised: one record per (source, destination,
    port, protocol, direction, reason) with how many flows it stands for.

    `source` and `destination` are `namespace/pod` when Hubble named a pod, else the IP address, else
    `?`. `port` is the destination port (0 when the protocol has none), `reason` Hubble's
    `drop_reason_desc` (`POLICY_DENIED`, or `POLICY_DENY` for an explicit deny rule), `evidence` the
    `path:line` of the first such flow. A record is evidence that policy blocked that traffic when the
    flows were captured. Their absence is *not* evidence of anything: Hubble keeps only its most recent
    flows per node, the capture may have missed the window, and Hubble may be off.
    """

    source: str
    destination: str
    port: int
    protocol: str
    direction: str
    reason: str
    count: int
    first_seen: str
    last_seen: str
    evidence: str

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "destination": self.destination,
            "port": self.port,
            "protocol": self.protocol,
            "direction": self.direction,
            "reason": self.reason,
            "count": self.count,
            "firstSeen": self.first_seen,
            "lastSeen": self.last_seen,
            "evidence": self.evidence,
        }


#: At most this many distinct (source, destination, port, ...) drop records are kept; the rest are counted.
MAX_POLICY_DROPS = 1000


def ref_of(obj: Object, kind: str | None = None) -> ObjectRef:
    """The reference of a decoded object."""
    k = kind or obj.kind
    namespace = "" if k in CLUSTER_SCOPED else obj.metadata.namespace
    return ObjectRef(k, namespace, obj.metadata.name)


@dataclass(frozen=True)
class Snapshot:
    """Read-only cluster state at one instant (`captured_at`)."""

    captured_at: datetime
    context: str
    source: str
    by_kind: Mapping[str, tuple[Object, ...]]
    by_ref: Mapping[ObjectRef, Object]
    collected: frozenset[str]
    logs: Mapping[LogKey, str]
    problems: tuple[InputProblem, ...] = ()
    not_checked: tuple[NotChecked, ...] = ()
    notes: tuple[str, ...] = field(default=())
    logs_by_pod: Mapping[tuple[str, str], tuple[tuple[str, bool, str], ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    #: Hubble flows dropped by policy (cilium sysdumps). Empty proves nothing: see `PolicyDrop`.
    policy_drops: tuple[PolicyDrop, ...] = ()

    def of(self, kind: str) -> tuple[Object, ...]:
        """All objects of a kind (empty when none, or when the kind was not collected)."""
        return self.by_kind.get(kind, ())

    def get(self, ref: ObjectRef) -> Object | None:
        return self.by_ref.get(ref)

    def has_kind(self, kind: str) -> bool:
        """True when the kind was collected: absence of its objects then means none exist."""
        return kind in self.collected

    def pods(self) -> Iterator[Pod]:
        for obj in self.of("Pod"):
            if isinstance(obj, Pod):
                yield obj

    def log(self, namespace: str, pod: str, container: str, previous: bool = False) -> str | None:
        return self.logs.get((namespace, pod, container, previous))

    def pod_logs(self, namespace: str, pod: str) -> Iterator[tuple[str, bool, str]]:
        """(container, previous, text) for every log of a pod."""
        yield from self.logs_by_pod.get((namespace, pod), ())

    @property
    def object_count(self) -> int:
        return len(self.by_ref)


@dataclass
class _Tally:
    """The builder's running count for one `PolicyDrop` record (RFC 3339 times compare as text)."""

    count: int
    first: str
    last: str
    evidence: str


class SnapshotBuilder:
    """Collects objects, logs and problems, then freezes them into a Snapshot."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.captured_at: datetime | None = None
        self.context = ""
        self.declared_kinds: set[str] = set()
        #: Kinds of which the input holds only selected objects (a sysdump's Cilium DaemonSet, a
        #: troubleshoot list that failed in some namespaces): their objects are kept, but the kind never
        #: counts as collected, so no rule takes the absence of one of its objects as a fact.
        self.partial_kinds: set[str] = set()
        self._by_kind: dict[str, list[Object]] = {}
        self._by_ref: dict[ObjectRef, Object] = {}
        self._logs: dict[LogKey, str] = {}
        self._problems: list[InputProblem] = []
        self._not_checked: list[NotChecked] = []
        self._notes: list[str] = []
        self._drops: dict[tuple[str, str, int, str, str, str], _Tally] = {}
        self.drops_over_cap = 0
        self.duplicates = 0

    def add(self, obj: Object, kind: str | None = None) -> bool:
        """Add one object; a second object with the same reference is ignored (first wins)."""
        k = kind or obj.kind
        if not k or not obj.metadata.name:
            return False
        ref = ref_of(obj, k)
        if ref in self._by_ref:
            self.duplicates += 1
            return False
        self._by_ref[ref] = obj
        bucket = self._by_kind.get(k)
        if bucket is None:
            bucket = self._by_kind[k] = []
        bucket.append(obj)
        return True

    def add_many(self, objects: Iterable[Object], kind: str) -> None:
        """Bulk add of one kind (the same rules as `add`, without a call per object)."""
        by_ref = self._by_ref
        bucket = self._by_kind.setdefault(kind, [])
        cluster = kind in CLUSTER_SCOPED
        new_ref = tuple.__new__  # ObjectRef is a NamedTuple: skip its Python-level __new__ in this hot loop
        for obj in objects:
            meta = obj.metadata
            if not meta.name:
                continue
            ref = new_ref(ObjectRef, (kind, "" if cluster else meta.namespace, meta.name))
            if ref in by_ref:
                self.duplicates += 1
                continue
            by_ref[ref] = obj
            bucket.append(obj)

    def add_log(self, namespace: str, pod: str, container: str, previous: bool, text: str) -> None:
        self._logs[(namespace, pod, container, previous)] = text

    def add_policy_drop(
        self,
        source: str,
        destination: str,
        port: int,
        protocol: str,
        direction: str,
        reason: str,
        *,
        count: int = 1,
        first: str = "",
        last: str = "",
        evidence: str = "",
    ) -> None:
        """Count flows dropped by policy into their (source, destination, port, ...) record."""
        key = (source, destination, port, protocol, direction, reason)
        tally = self._drops.get(key)
        if tally is None:
            if len(self._drops) >= MAX_POLICY_DROPS:
                self.drops_over_cap += count
                return
            self._drops[key] = _Tally(count, first, last or first, evidence)
            return
        tally.count += count
        if first and (not tally.first or first < tally.first):
            tally.first = first
        if last > tally.last:
            tally.last = last

    def get(self, ref: ObjectRef) -> Object | None:
        """An object added so far (sources use it to match logs to their pods)."""
        return self._by_ref.get(ref)

    def objects_of(self, kind: str) -> tuple[Object, ...]:
        """The objects of a kind added so far."""
        return tuple(self._by_kind.get(kind, ()))

    def problem(self, path: str, line: int | None, message: str, id: str = "input/unparseable") -> None:
        self._problems.append(InputProblem(path, line, message, id))

    def not_checked(self, what: str, why: str) -> None:
        self._not_checked.append(NotChecked(what, why))

    def note(self, text: str) -> None:
        self._notes.append(text)

    @property
    def object_count(self) -> int:
        return len(self._by_ref)

    @property
    def problems(self) -> list[InputProblem]:
        return self._problems

    def kinds_present(self) -> set[str]:
        return set(self._by_kind)

    def _latest_timestamp(self) -> datetime | None:
        """The latest timestamp in the objects: RFC 3339 UTC strings compare as text, so take max."""
        best = ""
        for obj in self._by_ref.values():
            meta = obj.metadata
            if meta.creation_timestamp and meta.creation_timestamp > best:
                best = meta.creation_timestamp
            for attr in ("last_timestamp", "event_time", "first_timestamp"):
                value = getattr(obj, attr, None)
                if isinstance(value, str) and value > best:
                    best = value
            status = getattr(obj, "status", None)
            for cond in getattr(status, "conditions", ()) or ():
                stamp = getattr(cond, "last_transition_time", None)
                if isinstance(stamp, str) and stamp > best:
                    best = stamp
        return parse_time(best) if best else None

    def build(self) -> Snapshot:
        if self.duplicates:
            self._notes.append(f"{self.duplicates} duplicate object(s) ignored (the first copy read wins)")
        captured = self.captured_at
        if captured is None:
            captured = self._latest_timestamp()
            if captured is not None:
                self._notes.append("capturedAt inferred from the latest timestamp in the objects")
            else:
                captured = datetime(1970, 1, 1, tzinfo=UTC)
                self._notes.append("no timestamp found: capturedAt unknown, time-based judgements are off")
        collected = frozenset((self.declared_kinds | set(self._by_kind)) - self.partial_kinds)
        if self.drops_over_cap:
            self._notes.append(
                f"{self.drops_over_cap} policy-dropped flow(s) not summarised: over {MAX_POLICY_DROPS} distinct records"
            )
        return Snapshot(
            captured_at=captured,
            context=self.context,
            source=self.source,
            by_kind=MappingProxyType({k: tuple(v) for k, v in sorted(self._by_kind.items())}),
            by_ref=MappingProxyType(self._by_ref),
            collected=collected,
            logs=MappingProxyType(dict(self._logs)),
            problems=tuple(sorted(self._problems)),
            not_checked=tuple(sorted(set(self._not_checked))),
            notes=tuple(self._notes),
            logs_by_pod=MappingProxyType(self._logs_by_pod()),
            policy_drops=tuple(
                sorted(
                    PolicyDrop(*key, tally.count, tally.first, tally.last, tally.evidence)
                    for key, tally in self._drops.items()
                )
            ),
        )

    def _logs_by_pod(self) -> dict[tuple[str, str], tuple[tuple[str, bool, str], ...]]:
        grouped: dict[tuple[str, str], list[tuple[str, bool, str]]] = {}
        for (ns, pod, container, previous), text in sorted(self._logs.items()):
            grouped.setdefault((ns, pod), []).append((container, previous, text))
        return {key: tuple(value) for key, value in grouped.items()}
