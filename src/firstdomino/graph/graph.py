"""An integer-indexed dependency graph. Edges run from a dependent to what it depends on
(`Pod -> Node`, `Service -> Pod`, `Kustomization -> Kustomization it dependsOn`).

Edges come from small builders with one signature, `builder(snapshot, index) -> Iterable[Edge]`
(see `graph.edges`); `build_graph` runs them all once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from firstdomino.graph.index import Index
from firstdomino.model.kinds import Object
from firstdomino.model.ref import ObjectRef
from firstdomino.model.snapshot import Snapshot


@dataclass(frozen=True, order=True)
class Edge:
    """`source` depends on `target` in the way `label` says (owner, runs-on, mounts, backend, ...)."""

    source: ObjectRef
    target: ObjectRef
    label: str


EdgeBuilder = Callable[[Snapshot, Index], Iterable[Edge]]
LazyBuilder = Callable[[Snapshot, Index, ObjectRef, Object], Iterable[tuple[ObjectRef, str]]]
"""Out-edges of one object, computed on first use: for the kinds that come by the hundred thousand."""


class Graph:
    """Nodes are ObjectRefs mapped to ints; adjacency is kept as int lists in both directions."""

    def __init__(
        self,
        snapshot: Snapshot,
        index: Index,
        lazy: Mapping[str, Sequence[LazyBuilder]] | None = None,
        lazy_labels: frozenset[str] = frozenset(),
    ) -> None:
        self.snapshot = snapshot
        self.index = index
        self._lazy = lazy or {}
        self._lazy_labels = lazy_labels
        self._expanded: set[ObjectRef] = set()
        self._all_expanded = False
        self._ids: dict[ObjectRef, int] = {}
        self._refs: list[ObjectRef] = []
        self._labels: dict[str, int] = {}
        self._label_names: list[str] = []
        self._out: dict[int, list[tuple[int, int]]] = defaultdict(list)
        self._in: dict[int, list[tuple[int, int]]] = defaultdict(list)
        self.edge_count = 0

    def _id(self, ref: ObjectRef) -> int:
        found = self._ids.get(ref)
        if found is None:
            found = self._ids[ref] = len(self._refs)
            self._refs.append(ref)
        return found

    def add(self, source: ObjectRef, target: ObjectRef, label: str) -> None:
        if source == target:
            return
        lab = self._labels.get(label)
        if lab is None:
            lab = self._labels[label] = len(self._label_names)
            self._label_names.append(label)
        s, t = self._id(source), self._id(target)
        self._out[s].append((t, lab))
        self._in[t].append((s, lab))
        self.edge_count += 1

    def _expand(self, ref: ObjectRef) -> None:
        """Add the lazy out-edges of `ref` (once)."""
        if ref in self._expanded or self._all_expanded:
            return
        self._expanded.add(ref)
        builders = [*self._lazy.get(ref.kind, ()), *self._lazy.get("*", ())]
        if not builders:
            return
        obj = self.snapshot.get(ref)
        if obj is None:
            return
        for builder in builders:
            for target, label in builder(self.snapshot, self.index, ref, obj):
                self.add(ref, target, label)

    def _expand_all(self) -> None:
        if self._all_expanded:
            return
        for ref in self.snapshot.by_ref:
            self._expand(ref)
        self._all_expanded = True

    def dependencies(self, ref: ObjectRef, label: str | None = None) -> list[ObjectRef]:
        """What `ref` depends on (optionally only edges with `label`), in insertion order."""
        self._expand(ref)
        return self._neighbours(self._out, ref, label)

    def dependents(self, ref: ObjectRef, label: str | None = None) -> list[ObjectRef]:
        """What depends on `ref`. Asking through a lazy label builds every lazy edge first."""
        if label is None or label in self._lazy_labels:
            self._expand_all()
        return self._neighbours(self._in, ref, label)

    def _neighbours(
        self, adjacency: dict[int, list[tuple[int, int]]], ref: ObjectRef, label: str | None
    ) -> list[ObjectRef]:
        node = self._ids.get(ref)
        if node is None:
            return []
        want = self._labels.get(label) if label is not None else None
        if label is not None and want is None:
            return []
        return _unique(self._refs[n] for n, lab in adjacency.get(node, ()) if want is None or lab == want)

    def edges(self) -> Iterator[Edge]:
        self._expand_all()
        for s, targets in self._out.items():
            for t, lab in targets:
                yield Edge(self._refs[s], self._refs[t], self._label_names[lab])

    @property
    def node_count(self) -> int:
        return len(self._refs)


def _unique(items: Iterable[ObjectRef]) -> list[ObjectRef]:
    seen: dict[ObjectRef, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


def build_graph(snapshot: Snapshot, builders: Iterable[EdgeBuilder] | None = None) -> Graph:
    """Build the graph once: index the snapshot, then run every edge builder."""
    from firstdomino.graph.edges import BUILDERS, LAZY_BUILDERS, LAZY_LABELS

    index = Index(snapshot)
    graph = Graph(snapshot, index, LAZY_BUILDERS, LAZY_LABELS)
    for builder in builders if builders is not None else BUILDERS:
        for edge in builder(snapshot, index):
            graph.add(edge.source, edge.target, edge.label)
    return graph
