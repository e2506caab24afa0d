"""The model layer: identities, typed views of Kubernetes objects and the frozen Snapshot.

Pure: no I/O, no clock, no environment. Everything above (graph, diagnose, report) reads it.
"""

from firstdomino.model.ref import ObjectRef
from firstdomino.model.snapshot import InputProblem, NotChecked, Snapshot, SnapshotBuilder

__all__ = ["InputProblem", "NotChecked", "ObjectRef", "Snapshot", "SnapshotBuilder"]
