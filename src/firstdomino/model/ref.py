"""Object identity as a value: `ObjectRef(kind, namespace, name)`, printed `Kind/ns/name`.

Cluster-scoped objects have an empty namespace and print as `Kind//name`.
"""

from __future__ import annotations

from typing import NamedTuple


class ObjectRef(NamedTuple):
    """A frozen, totally ordered reference to one object."""

    kind: str
    namespace: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind}/{self.namespace}/{self.name}"

    @classmethod
    def parse(cls, text: str) -> ObjectRef:
        """Parse `Kind/ns/name` (or `Kind//name`, or `Kind/name` for cluster-scoped objects)."""
        parts = text.split("/")
        if len(parts) == 3:
            return cls(parts[0], parts[1], parts[2])
        if len(parts) == 2:
            return cls(parts[0], "", parts[1])
        raise ValueError(f"not an object reference (want Kind/namespace/name): {text!r}")

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "namespace": self.namespace, "name": self.name}
