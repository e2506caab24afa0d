"""The repository model: the documents of a GitOps repository, each with its file and line, and typed
accessors for the GitOps kinds lint rules read (Flux, Argo CD, helmfile releases). Pure; built by
`sources.repo`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from firstdomino.model.snapshot import InputProblem

#: Argo CD's ordering annotation (https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/).
SYNC_WAVE = "argocd.argoproj.io/sync-wave"


def as_list(value: Any) -> list[Any]:
    """A field that must be a list, as a list; a value of another type (`dependsOn: 5`, a mapping, a
    string) reads as empty, so that a typo costs that field and never the rule that reads it."""
    return value if isinstance(value, list) else []


@dataclass(frozen=True)
class Document:
    """One object of the repository: a Kubernetes manifest, a helmfile release, a Terraform resource."""

    path: str  # relative to the repository root, POSIX separators
    line: int  # 1-based line of the object
    kind: str
    api_version: str
    name: str
    namespace: str
    body: Mapping[str, Any]
    source: str = "manifest"  # manifest | helmfile | terraform | talos | applicationset
    included_from: str = ""  # the folder of a kustomization that lists this file from outside its own folder

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]

    @property
    def sync_wave(self) -> int:
        """The Argo CD sync wave; 0 (Argo CD's default) when absent or not an integer."""
        try:
            return int(str(self.get("metadata", "annotations", SYNC_WAVE) or 0))
        except ValueError:
            return 0

    def get(self, *keys: str | int, default: Any = None) -> Any:
        """A nested value (`doc.get("spec", "dependsOn")`), `default` when any step is missing."""
        value: Any = self.body
        for key in keys:
            if isinstance(key, int):
                if not isinstance(value, list) or not -len(value) <= key < len(value):
                    return default
                value = value[key]
            elif isinstance(value, Mapping) and key in value:
                value = value[key]
            else:
                return default
        return value

    def line_of(self, *keys: str) -> int:
        """The line of a nested key when the parser recorded it, else the object's line. (Lines inside a
        Terraform heredoc are relative to the heredoc: the resource's line is used instead.)"""
        if self.source == "terraform":
            return self.line
        value: Any = self.body
        line = self.line
        for key in keys:
            if not isinstance(value, Mapping) or key not in value:
                break
            value = value[key]
            line = getattr(value, "line", line)
        return line

    def __str__(self) -> str:
        return f"{self.kind}/{self.namespace}/{self.name}"


@dataclass(frozen=True)
class Repository:
    root: str
    documents: tuple[Document, ...]
    problems: tuple[InputProblem, ...] = ()
    files: int = 0
    notes: tuple[str, ...] = field(default=())

    def of(self, *kinds: str) -> Iterator[Document]:
        """Documents of the given kinds, in file order."""
        index = self._by_kind()
        if len(kinds) == 1:
            yield from index.get(kinds[0], ())
            return
        order = {id(d): i for i, d in enumerate(self.documents)} if len(kinds) > 1 else {}
        yield from sorted((d for k in kinds for d in index.get(k, ())), key=lambda d: order[id(d)])

    def _by_kind(self) -> dict[str, list[Document]]:
        cached: dict[str, list[Document]] | None = self.__dict__.get("_kind_index")
        if cached is None:
            cached = {}
            for doc in self.documents:
                cached.setdefault(doc.kind, []).append(doc)
            object.__setattr__(self, "_kind_index", cached)  # a cache on a frozen value, built once
        return cached

    def flux(self, kind: str) -> Iterator[Document]:
        """Flux objects of a kind (Kustomization from kustomize.toolkit.fluxcd.io, not kustomize's own)."""
        for doc in self.of(kind):
            if doc.group.endswith("toolkit.fluxcd.io"):
                yield doc
