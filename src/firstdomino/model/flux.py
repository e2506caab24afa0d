"""Which Flux Kustomization applies which repository document, and which Kustomizations it waits for.

Pure (model layer): used by the repository reader and by the lint rules.

A document belongs to the Kustomization whose `spec.path` is the longest prefix of the document's folder
(Flux builds the path recursively). "Applied before" means a transitive `dependsOn`.
"""

from __future__ import annotations

from collections.abc import Mapping

from firstdomino.model.repo import Document, Repository, as_list

Key = tuple[str, str]  # namespace, name


def _norm(path: str) -> str:
    parts = [p for p in path.strip().split("/") if p not in ("", ".")]
    return "/".join(parts)


class FluxTree:
    @classmethod
    def of(cls, repo: Repository) -> FluxTree:
        """The tree of a repository, built once and kept with it (rules share it)."""
        cached: FluxTree | None = repo.__dict__.get("_flux_tree")
        if cached is None:
            cached = cls(repo)
            object.__setattr__(repo, "_flux_tree", cached)  # a cache on a frozen value, built once
        return cached

    def __init__(self, repo: Repository) -> None:
        self.kustomizations: dict[Key, Document] = {
            (d.namespace or "flux-system", d.name): d for d in repo.flux("Kustomization")
        }
        self._by_path: dict[str, Key] = {}
        for key, doc in sorted(self.kustomizations.items()):
            self._by_path.setdefault(_norm(str(doc.get("spec", "path") or "")), key)
        self._owners: dict[tuple[str, str], Key | None] = {}
        self._deps: dict[Key, set[Key]] = {}
        for key, doc in self.kustomizations.items():
            deps = set()
            for dep in as_list(doc.get("spec", "dependsOn")):
                if isinstance(dep, Mapping) and isinstance(dep.get("name"), str):
                    deps.add((str(dep.get("namespace") or key[0]), dep["name"]))
            self._deps[key] = deps

    def owner(self, doc: Document) -> Key | None:
        """The Kustomization that applies `doc` (None when no Kustomization path covers it)."""
        key = (doc.path, doc.included_from)
        if key in self._owners:
            return self._owners[key]
        found = self._owner(doc)
        self._owners[key] = found
        return found

    def _owner(self, doc: Document) -> Key | None:
        own = self._owner_of_folder(doc.path.rsplit("/", 1)[0] if "/" in doc.path else "")
        if own is None and doc.included_from:
            return self._owner_of_folder(doc.included_from)
        return own

    def _owner_of_folder(self, folder: str) -> Key | None:
        while True:  # the longest Kustomization path that contains the folder
            key = self._by_path.get(folder)
            if key is not None:
                return key
            if not folder:
                return None
            folder = folder.rsplit("/", 1)[0] if "/" in folder else ""

    def parent(self, key: Key) -> Key | None:
        """The Kustomization that applies Kustomization `key` itself (None for roots)."""
        doc = self.kustomizations.get(key)
        owner = self.owner(doc) if doc is not None else None
        return owner if owner != key else None

    def waits_for(self, key: Key) -> set[Key]:
        """Every Kustomization certainly applied before `key`: its dependencies and the Kustomizations that
        apply it (a child object exists only once its parent has applied, CRDs first), transitively."""
        seen: set[Key] = set()
        stack = [*self._deps.get(key, ()), *filter(None, [self.parent(key)])]
        while stack:
            dep = stack.pop()
            if dep not in seen:
                seen.add(dep)
                stack.extend(self._deps.get(dep, ()))
                parent = self.parent(dep)
                if parent is not None:
                    stack.append(parent)
        return seen

    def ordered_before(self, first: Key, then: Key) -> bool:
        """True when `first` is certainly applied before `then` (same Kustomization counts: Flux applies
        CRDs and Namespaces first, then the rest, in one server-side apply)."""
        return first == then or first in self.waits_for(then)
