"""Read a GitOps repository from disk into a `Repository`: every YAML document with its file and line;
helmfile releases (`helmfile.yaml`, `helmfile.d/*.yaml[.gotmpl]`) as `HelmfileRelease` documents.

Go templates are not executed: template expressions become the unknown value `<template>`, and template
control lines are dropped. A helmfile release whose values template reads a Flux HelmRelease file (the
standard bootstrap pattern) records that file under `valuesFromHelmRelease`. Unreadable files are
`input/unparseable` problems with path and line; the run goes on.

Nothing outside the repository is ever read, and links are never followed: the walk skips them, and a
file another file names (a Kustomize resource or patch, a helmfile base or values file, an ApplicationSet
directory) is read only when its path stays inside the root without passing through a link. A reference
that leaves the root, goes through a link or is remote is listed as not checked; one that does not exist,
and a Kustomize cycle, are problems (`kustomize build` fails on both). Fields of the wrong type are
ignored, never a crash; every pattern match runs in linear time.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fnmatch
import gc
import os
import re
import stat
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from firstdomino.errors import InputError
from firstdomino.model.decode import LineDict, parse_yaml_documents
from firstdomino.model.flux import FluxTree
from firstdomino.model.repo import Document, Repository, as_list
from firstdomino.model.snapshot import InputProblem
from firstdomino.sources.terraform import read_terraform

#: Folders never read: VCS data, dependencies, build output.
SKIP_DIRS = frozenset({".git", "node_modules", "vendor", ".terraform", "__pycache__", ".venv", "dist", "build"})
MAX_FILES = 50_000
MAX_FILE_BYTES = 16 * 1024 * 1024
UNKNOWN = "<template>"

_TEMPLATE_LINE = re.compile(r"^\s*\{\{-?\s*(?:if|else|end|range|with|define|block|template|/\*).*\}\}\s*$")
_TEMPLATE_EXPR = re.compile(r"\{\{-?.*?-?\}\}")
_READS_FILE = re.compile(r"readFile|fromYaml|\.Files\.Get", re.I)
_PATH_WORD = re.compile(r"[\w./-]+")
_HELMRELEASE_WORD = re.compile(r"helm-?release", re.I)
_YAML_SUFFIX = re.compile(r"\.ya?ml", re.I)


def is_helmfile(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return name.startswith("helmfile.") or "/helmfile.d/" in f"/{rel}"


def _sub_before_last(pattern: re.Pattern[str], replace: Any, text: str, closer: str) -> str:
    """`pattern.sub` on `text` where every match ends with `closer`: only the part up to the last `closer`
    is searched. Same result; linear time where a plain `sub` rescans to the end of the text from every
    opener that is never closed (`{{{{{{...`: quadratic, 20 s for 40 KB)."""
    end = text.rfind(closer)
    if end < 0:
        return text
    end += len(closer)
    return pattern.sub(replace, text[:end]) + text[end:]


def strip_templates(text: str) -> str:
    """Go-template lines dropped, expressions replaced by a quoted unknown value (YAML stays parseable)."""
    lines = []
    for line in text.splitlines():
        if _TEMPLATE_LINE.match(line):
            lines.append("")
            continue
        stripped = line.strip()
        if _TEMPLATE_EXPR.fullmatch(stripped):
            lines.append(line[: len(line) - len(line.lstrip())] + f'"{UNKNOWN}"' if ":" in line else "")
            continue
        lines.append(_sub_before_last(_TEMPLATE_EXPR, UNKNOWN, line, "}}"))
    return "\n".join(lines)


def load_repository(path: str | os.PathLike[str]) -> Repository:
    root = Path(path)
    if not root.is_dir():
        raise InputError(f"{root}: not a directory (give the root of a GitOps repository)")
    documents: list[Document] = []
    problems: list[InputProblem] = []
    was_enabled = gc.isenabled()
    gc.disable()  # a bulk load of small containers that all stay alive: GC passes would only rescan them
    try:
        notes: list[str] = []
        files = _read_files(root, documents, problems, notes)
        documents = _kustomize_namespaces(documents)
        documents = _kustomize_patches(root, documents, notes)
        documents = _flux_substitutions(documents)
        documents += _expand_applicationsets(root, documents, notes)
        notes += _kustomize_references(root, documents, problems)
    finally:
        if was_enabled:
            gc.enable()
    return Repository(str(root), tuple(documents), tuple(sorted(problems)), files, tuple(notes))


def _read_files(root: Path, documents: list[Document], problems: list[InputProblem], notes: list[str]) -> int:
    files = 0
    for full, rel, size in _walk(str(root)):
        files += 1
        if files > MAX_FILES:
            problems.append(InputProblem(rel, None, f"more than {MAX_FILES} files: the rest is not read"))
            break
        if rel.lower().endswith(".tf"):
            read_terraform(Path(full), rel, size, documents, problems, _manifests)
        else:
            _read(root, full, rel, size, documents, problems, notes)
    return files


_PLACEHOLDER = re.compile(r"\{\{\s*\.?([\w.\[\]-]+)\s*\}\}")


def _map_strings(value: Any, change: Callable[[str], str]) -> Any:
    """A copy of a parsed YAML value with `change` applied to every string (mapping lines kept)."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        out = LineDict({k: _map_strings(v, change) for k, v in value.items()})
        out.line = getattr(value, "line", 1)
        return out
    if isinstance(value, list):
        return [_map_strings(v, change) for v in value]
    return value


def _fill(value: Any, params: dict[str, str]) -> Any:
    """ApplicationSet template parameters (`{{name}}`, `{{ .path.basename }}`) substituted; unknown ones stay."""
    return _map_strings(value, lambda text: _PLACEHOLDER.sub(lambda m: params.get(m.group(1), m.group(0)), text))


def _expand_applicationsets(root: Path, documents: list[Document], notes: list[str]) -> list[Document]:
    """Applications generated by ApplicationSets' list and git-directory generators (others: noted)."""
    out: list[Document] = []
    folders: list[list[str]] | None = None  # the repository's folders, listed once when a git generator needs them
    for appset in (d for d in documents if d.kind == "ApplicationSet" and d.group == "argoproj.io"):
        template = appset.get("spec", "template")
        if not isinstance(template, dict):
            continue
        for generator in as_list(appset.get("spec", "generators")):
            if not isinstance(generator, dict):
                continue
            params_list: list[dict[str, str]] = []
            if isinstance(generator.get("list"), dict):
                for element in as_list(generator["list"].get("elements")):
                    if isinstance(element, dict):
                        params_list.append(
                            {str(k): str(v) for k, v in element.items() if not isinstance(v, dict | list)}
                        )
            elif isinstance(generator.get("git"), dict):
                for entry in as_list(generator["git"].get("directories")):
                    pattern = entry.get("path") if isinstance(entry, dict) else None
                    if not isinstance(pattern, str) or entry.get("exclude"):
                        continue
                    if pattern.startswith("/") or ".." in pattern.split("/"):
                        notes.append(
                            f"{appset.path}:{appset.line}: ApplicationSet {appset.name}: directories {pattern!r} "
                            "leave the repository: not expanded"
                        )
                        continue
                    if folders is None:
                        folders = _folders(root)
                    for rel in _glob_folders(folders, pattern):
                        name = rel.rsplit("/", 1)[-1]
                        params_list.append(
                            {
                                "path": rel,
                                "path.path": rel,
                                "path.basename": name,
                                "path.basenameNormalized": name.replace("_", "-").lower(),
                            }
                        )
            else:
                notes.append(
                    f"{appset.path}:{appset.line}: ApplicationSet {appset.name}: generator "
                    f"{sorted(generator)} not expanded"
                )
                continue
            for params in params_list:
                body = _fill(template, params)
                meta = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
                name = str(meta.get("name") or appset.name)
                namespace = str(meta.get("namespace") or appset.namespace)
                full = LineDict({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", **body})
                full.line = appset.line
                out.append(
                    Document(
                        appset.path,
                        appset.line,
                        "Application",
                        "argoproj.io/v1alpha1",
                        name,
                        namespace,
                        full,
                        source="applicationset",
                    )
                )
    return out


_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::=([^}]*))?\}")


def _substitute(value: Any, variables: Mapping[str, str]) -> Any:
    """Flux's `${VAR}` and `${VAR:=default}`; unknown variables without a default stay as written."""
    return _map_strings(
        value,
        lambda text: _sub_before_last(
            _VAR,
            lambda m: variables.get(m.group(1), m.group(2) if m.group(2) is not None else m.group(0)),
            text,
            "}",
        ),
    )


def _flux_substitutions(documents: list[Document]) -> list[Document]:
    """Flux `postBuild.substitute` applied to the documents a Kustomization applies (`substituteFrom`
    ConfigMaps/Secrets are not read: their variables stay `${VAR}`, i.e. unknown)."""
    if not any(d.kind == "Kustomization" and d.get("spec", "postBuild", "substitute") for d in documents):
        return documents
    tree = FluxTree(Repository("", tuple(documents)))
    variables = {
        key: {str(k): str(v) for k, v in (ks.get("spec", "postBuild", "substitute") or {}).items()}
        for key, ks in tree.kustomizations.items()
        if isinstance(ks.get("spec", "postBuild", "substitute"), dict)
    }
    if not variables:
        return documents
    out = []
    for doc in documents:
        owner = tree.owner(doc)
        found = variables.get(owner) if owner is not None else None
        if (found and doc.kind != "Kustomization") or (found and doc.group != "kustomize.toolkit.fluxcd.io"):
            body = _substitute(doc.body, found)
            meta = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
            doc = dataclasses.replace(
                doc,
                body=body,
                name=str(meta.get("name", doc.name)),
                namespace=str(meta.get("namespace", doc.namespace) or doc.namespace),
            )
        out.append(doc)
    return out


def _deep_merge(base: Any, patch: Any) -> Any:
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = LineDict(base)
        merged.line = getattr(base, "line", 1)
        for key, value in patch.items():
            merged[key] = _deep_merge(base.get(key), value) if key in base else value
        return merged
    return patch


def _kustomize_configs(documents: list[Document]) -> Iterator[Document]:
    return (d for d in documents if d.kind == "Kustomization" and d.group == "kustomize.config.k8s.io")


def _folder_of(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _kustomize_patches(root: Path, documents: list[Document], notes: list[str]) -> list[Document]:
    """Strategic-merge patches of a kustomization (`patches:`/`patchesStrategicMerge:` files with a whole
    object) merged into the matching object; JSON 6902 and inline patches are noted, not applied. A patch
    file is read only inside the repository (see `_locate`); `_kustomize_references` reports the others."""
    by_ref = {(d.path, d.kind, d.name): i for i, d in enumerate(documents)}
    out = list(documents)
    for config in _kustomize_configs(documents):
        folder = _folder_of(config.path)
        entries = as_list(config.get("patches")) + as_list(config.get("patchesStrategicMerge"))
        resources = [
            _normalise(f"{folder}/{r}" if folder else r) for r in as_list(config.get("resources")) if isinstance(r, str)
        ]
        for entry in entries:
            path = entry.get("path") if isinstance(entry, dict) else entry if isinstance(entry, str) else None
            if not isinstance(path, str) or (isinstance(entry, dict) and entry.get("target")):
                notes.append(f"{config.path}:{config.line}: a JSON 6902 or targeted patch is not applied")
                continue
            patch_file = _readable(root, folder, path)
            if patch_file is None:
                continue
            try:
                data = patch_file.read_bytes()
            except OSError:
                continue
            patches, _ = parse_yaml_documents(data)
            for patch in patches:
                if not isinstance(patch, dict) or patch.get("op"):
                    continue
                name = (patch.get("metadata") or {}).get("name") if isinstance(patch.get("metadata"), dict) else None
                for resource in resources:
                    index = by_ref.get((resource or "", str(patch.get("kind")), str(name)))
                    if index is not None:
                        target = out[index]
                        out[index] = dataclasses.replace(target, body=_deep_merge(target.body, patch))
    return out


def _is_remote(entry: str) -> bool:
    return "://" in entry or entry.startswith(("github.com/", "git@"))


#: The fields of a kustomization that name files or folders, and the key of a `patches` entry that does.
_KUSTOMIZE_REFERENCES = ("resources", "bases", "components", "patches", "patchesStrategicMerge")


def _kustomize_references(root: Path, documents: list[Document], problems: list[InputProblem]) -> list[str]:
    """Check what each kustomization names. Remote bases, paths that leave the repository and paths
    through a link are not read: noted. A field that is not a list, an entry that is not a path, a path
    that does not exist and a cycle of kustomizations are problems: `kustomize build` fails on them."""
    notes: list[str] = []
    configs = {_folder_of(d.path): d for d in _kustomize_configs(documents)}
    edges: dict[str, list[str]] = {}
    for folder, config in sorted(configs.items()):
        where = f"{config.path}:{config.line}"
        for field in _KUSTOMIZE_REFERENCES:
            value = config.get(field)
            if value is None:
                continue
            if not isinstance(value, list):
                problems.append(
                    InputProblem(config.path, config.line, f"`{field}` is a {type(value).__name__}, not a list")
                )
                continue
            for entry in value:
                ref = entry.get("path") if field == "patches" and isinstance(entry, dict) else entry
                if field == "patches" and isinstance(entry, dict) and ref is None:
                    continue  # an inline patch
                if not isinstance(ref, str) or (field.startswith("patches") and "\n" in ref):
                    if not isinstance(ref, str):
                        message = f"`{field}` entry {ref!r:.60} is not a path"
                        problems.append(InputProblem(config.path, config.line, message))
                    continue  # (a multi-line string is an inline patch)
                if _is_remote(ref):
                    if field in ("resources", "bases", "components"):
                        notes.append(f"{where}: remote base {ref} not resolved")
                    continue
                status, rel = _locate(root, folder, ref)
                if status == "outside":
                    notes.append(f"{where}: {field} {ref!r} is outside the repository: not read")
                elif status == "link":
                    notes.append(f"{where}: {field} {ref!r} goes through a link ({rel}): not followed")
                elif status == "missing":
                    problems.append(InputProblem(config.path, config.line, f"`{field}` entry {ref!r} does not exist"))
                elif status == "folder" and not field.startswith("patches") and rel in configs:
                    edges.setdefault(folder, []).append(rel)
    for cycle in _cycles(edges):
        config = configs[cycle[0]]
        shown = " -> ".join(f or "." for f in cycle)
        message = f"kustomizations include each other: {shown} (kustomize build fails)"
        problems.append(InputProblem(config.path, config.line, message))
    return notes


def _cycles(edges: dict[str, list[str]]) -> list[list[str]]:
    """One path per cycle of a directed graph (each closing edge found by a depth-first walk), each
    rotated to start at its smallest node; iterative, so a long chain cannot exhaust the stack."""
    found: dict[tuple[str, ...], list[str]] = {}
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    for start in sorted(edges):
        if start in state:
            continue
        path: list[str] = [start]
        state[start] = 1
        pending: list[Iterator[str]] = [iter(edges.get(start, ()))]
        while pending:
            target = next(pending[-1], None)
            if target is None:
                pending.pop()
                state[path.pop()] = 2
            elif state.get(target) == 1:
                cycle = path[path.index(target) :]
                first = cycle.index(min(cycle))
                cycle = cycle[first:] + cycle[:first]
                found.setdefault(tuple(cycle), [*cycle, cycle[0]])
            elif target not in state:
                state[target] = 1
                path.append(target)
                pending.append(iter(edges.get(target, ())))
    return [found[key] for key in sorted(found)]


_KUSTOMIZE_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_CLUSTER_KINDS = frozenset(
    {
        "Namespace",
        "ClusterRole",
        "ClusterRoleBinding",
        "CustomResourceDefinition",
        "ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration",
        "ClusterIssuer",
        "CiliumClusterwideNetworkPolicy",
        "StorageClass",
        "PriorityClass",
        "APIService",
    }
)


def _kustomize_namespaces(documents: list[Document]) -> list[Document]:
    """Apply Kustomize's `namespace:` to the objects its local resources produce (it overrides theirs):
    a Flux Kustomization in `apps/ks.yaml` without a namespace lives where `apps/kustomization.yaml` puts it."""
    by_dir = {_folder_of(d.path): d for d in _kustomize_configs(documents)}
    assigned: dict[str, str] = {}

    included: dict[str, str] = {}
    visited: set[tuple[str, str, str]] = set()  # a folder reached again the same way adds nothing: cycles end

    def walk(directory: str, namespace: str, depth: int, origin: str) -> None:
        config = by_dir.get(directory)
        if config is None or depth > 20:
            return
        own = config.get("namespace")
        namespace = own if isinstance(own, str) and own else namespace
        if (directory, namespace, origin) in visited:
            return
        visited.add((directory, namespace, origin))
        for entry in as_list(config.get("resources")) + as_list(config.get("components")):
            if not isinstance(entry, str) or "://" in entry or entry.startswith(("github.com/", "git@")):
                continue
            target = _normalise(f"{directory}/{entry}" if directory else entry)
            if target is None:
                continue
            if target in by_dir:
                walk(target, namespace, depth + 1, origin)
            else:
                if namespace:
                    assigned.setdefault(target, namespace)
                if not (target + "/").startswith(origin + "/" if origin else ""):
                    included.setdefault(target, origin)

    children = {
        _normalise(f"{d}/{e}" if d else str(e))
        for d, c in by_dir.items()
        for e in as_list(c.get("resources"))
        if isinstance(e, str)
    }
    for directory in sorted(by_dir):
        if directory not in children:  # roots of kustomize trees first; inner ones inherit
            walk(directory, "", 0, directory)
    out = []
    for doc in documents:
        namespace = assigned.get(doc.path)
        if (
            namespace
            and doc.kind not in _CLUSTER_KINDS
            and doc.source == "manifest"
            and not (doc.kind == "Kustomization" and doc.group == "kustomize.config.k8s.io")
        ):
            doc = dataclasses.replace(doc, namespace=namespace)
        if doc.path in included:
            doc = dataclasses.replace(doc, included_from=included[doc.path])
        out.append(doc)
    return out


def _normalise(path: str) -> str | None:
    parts: list[str] = []
    for part in path.replace("\\", "/").split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


def _locate(root: Path, folder: str, ref: str) -> tuple[str, str]:
    """Where `ref`, written in repository folder `folder`, leads: (status, repository-relative path).
    Status: `file` or `folder` inside the repository, reached without passing through a link; `outside`
    (absolute, or `..` past the root), `link` (a part of the path is a link: the path given is the link),
    `missing`, or `other` (a device, a FIFO). Only lstat is used: nothing is followed or opened."""
    rel = None if ref.startswith(("/", "\\")) else _normalise(f"{folder}/{ref}" if folder else ref)
    if rel is None:
        return "outside", ""
    current = str(root)
    mode = stat.S_IFDIR
    for part in rel.split("/") if rel else ():
        current = os.path.join(current, part)
        try:
            mode = os.lstat(current).st_mode
        except (OSError, ValueError):  # ValueError: a NUL byte in the name
            return "missing", rel
        if stat.S_ISLNK(mode):
            return "link", os.path.relpath(current, root).replace(os.sep, "/")
    if stat.S_ISDIR(mode):
        return "folder", rel
    return ("file" if stat.S_ISREG(mode) else "other"), rel


def _readable(root: Path, folder: str, ref: str) -> Path | None:
    """The file `ref` names from `folder` when it may be read: a regular file inside the repository,
    reached without a link, no larger than MAX_FILE_BYTES."""
    status, rel = _locate(root, folder, ref)
    if status != "file":
        return None
    path = root / rel
    try:
        return path if path.lstat().st_size <= MAX_FILE_BYTES else None
    except OSError:
        return None


def _folders(root: Path) -> list[list[str]]:
    """Every folder of the repository as its path parts, sorted, links not followed (as `_walk`)."""
    found: list[list[str]] = []
    pending: list[tuple[str, list[str]]] = [(str(root), [])]
    while pending and len(found) < MAX_FILES:
        base, parts = pending.pop()
        try:
            with os.scandir(base) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False) and entry.name not in SKIP_DIRS and len(parts) < 64:
                        found.append([*parts, entry.name])
                        pending.append((entry.path, [*parts, entry.name]))
        except OSError:
            continue
    return sorted(found)


def _glob_folders(folders: list[list[str]], pattern: str) -> list[str]:
    """The folders a repository-relative glob matches (`*`, `?`, `[...]` within one name; `**` any
    number of folders), matched against the listing: a pattern costs (folders × pattern parts), never a
    walk of the disk, so links, loops and `*/*/*/...` cannot make it explode."""
    parts = [p for p in pattern.split("/") if p not in ("", ".")]
    if not parts:
        return []
    return ["/".join(folder) for folder in folders if _glob_match(folder, parts)]


def _glob_match(names: list[str], parts: list[str]) -> bool:
    def close(states: set[int]) -> set[int]:
        out = set(states)
        for j in sorted(states):
            while j < len(parts) and parts[j] == "**":
                j += 1
                out.add(j)
        return out

    states = close({0})
    for name in names:
        following = set()
        for j in states:
            if j < len(parts):
                if parts[j] == "**":
                    following.add(j)
                elif fnmatch.fnmatchcase(name, parts[j]):
                    following.add(j + 1)
        states = close(following)
        if not states:
            return False
    return len(parts) in states


_SUFFIXES = (".yaml", ".yml", ".yaml.gotmpl", ".yml.gotmpl", ".tf")


def _walk(base: str, prefix: str = "", depth: int = 0) -> Iterator[tuple[str, str, int]]:
    """(path, repository-relative path, size) of every candidate file, sorted, links not followed."""
    try:
        with os.scandir(base) as found:
            entries = sorted(found, key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.is_symlink():
            continue
        if entry.is_dir(follow_symlinks=False):
            if entry.name not in SKIP_DIRS and depth < 64:
                yield from _walk(entry.path, f"{prefix}{entry.name}/", depth + 1)
        elif entry.name.lower().endswith(_SUFFIXES):
            try:
                size = entry.stat(follow_symlinks=False).st_size
            except OSError:
                size = 0
            yield entry.path, prefix + entry.name, size


def _read(
    root: Path,
    file: str,
    rel: str,
    size: int,
    documents: list[Document],
    problems: list[InputProblem],
    notes: list[str],
) -> None:
    try:
        if size > MAX_FILE_BYTES:
            problems.append(InputProblem(rel, None, f"file is {size:,} bytes: not read"))
            return
        with open(file, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        problems.append(InputProblem(rel, None, f"cannot read: {error.strerror or error}"))
        return
    if rel.endswith(".gotmpl") or is_helmfile(rel):
        with contextlib.suppress(UnicodeDecodeError):  # reported by the parser
            data = strip_templates(data.decode("utf-8")).encode()
    values, errors = parse_yaml_documents(data)
    if errors and b"{{" in data:  # Go-template expressions that break the YAML: read them as unknown values
        with contextlib.suppress(UnicodeDecodeError):
            values, errors = parse_yaml_documents(strip_templates(data.decode("utf-8")).encode())
    for line, message in errors:
        if rel.endswith(".gotmpl"):  # a Go template is YAML only once rendered: not a defect of the repository
            problems.append(
                InputProblem(rel, line, f"Go template not rendered, not checked ({message})", "input/template")
            )
        else:
            problems.append(InputProblem(rel, line, message))
    for value in values:
        if _looks_like_helmfile(value):
            documents.extend(_helmfile_releases(root, rel, value, notes))
        else:
            _manifests(value, rel, documents)


def _looks_like_talos(value: dict[str, Any]) -> bool:
    """A Talos machine configuration or config patch: top-level `machine`/`cluster`, not a Kubernetes object."""
    return (
        "apiVersion" not in value
        and "kind" not in value
        and (isinstance(value.get("cluster"), dict) or isinstance(value.get("machine"), dict))
    )


def _manifests(value: Any, rel: str, out: list[Document]) -> None:
    if not isinstance(value, dict):
        return
    if _looks_like_talos(value):
        name = rel.rsplit("/", 1)[-1]
        out.append(
            Document(rel, getattr(value, "line", 1), "TalosConfig", "talos/v1alpha1", name, "", value, source="talos")
        )
        return
    kind, api_version = value.get("kind"), value.get("apiVersion")
    if not isinstance(kind, str) or not isinstance(api_version, str):
        return
    if kind.endswith("List") and isinstance(value.get("items"), list):
        for item in value["items"]:
            _manifests(item, rel, out)
        return
    found = value.get("metadata")
    meta: dict[str, Any] = found if isinstance(found, dict) else {}
    name = str(meta.get("name")) if isinstance(meta.get("name"), str) else ""
    namespace = str(meta.get("namespace")) if isinstance(meta.get("namespace"), str) else ""
    out.append(Document(rel, getattr(value, "line", 1), kind, api_version, name, namespace, value))


def _looks_like_helmfile(value: Any) -> bool:
    """A helmfile state file, wherever it lives: a top-level `releases` list, not a Kubernetes object."""
    return isinstance(value, dict) and isinstance(value.get("releases"), list) and "apiVersion" not in value


Templates = dict[str, tuple[str, dict[str, Any]]]  # name -> (the file that defines it, its fields)


def _helmfile_templates(root: Path, rel: str, value: dict[str, Any], notes: list[str], seen: set[str]) -> Templates:
    """Release templates of a helmfile and of its `bases`, each base read once (`seen`: a cycle of bases,
    or the same base listed many times, costs one read) and only inside the repository."""
    found: Templates = {}
    for base in as_list(value.get("bases")):
        if not isinstance(base, str) or base == UNKNOWN or UNKNOWN in base:
            continue
        status, target = _locate(root, _folder_of(rel), base)
        if status in ("outside", "link"):
            notes.append(f"{rel}: base {base!r} is outside the repository or a link: not read")
            continue
        if status != "file" or target in seen:
            continue
        seen.add(target)
        path = _readable(root, "", target)
        if path is None:
            continue
        try:
            docs, _ = parse_yaml_documents(strip_templates(path.read_text(errors="replace")).encode())
        except OSError:
            continue
        for doc in docs:
            if isinstance(doc, dict):
                found.update(_helmfile_templates(root, target, doc, notes, seen))
    for name, fields in value["templates"].items() if isinstance(value.get("templates"), dict) else ():
        if isinstance(fields, dict):
            found[str(name)] = (rel, fields)
    return found


def _inherited(release: dict[str, Any], templates: Templates, default: Any) -> list[str]:
    names: list[str] = []
    inherit = release.get("inherit")
    for entry in inherit if isinstance(inherit, list) else [inherit] if inherit else []:
        if isinstance(entry, dict) and isinstance(entry.get("template"), str):
            names.append(entry["template"])
    if not names and isinstance(default, str):
        names.append(default)
    return [n for n in names if n in templates]


def _helmfile_releases(root: Path, rel: str, value: dict[str, Any], notes: list[str]) -> list[Document]:
    out = []
    templates = _helmfile_templates(root, rel, value, notes, {rel})
    for release in value["releases"]:
        if not isinstance(release, dict) or not isinstance(release.get("name"), str):
            continue
        body = dict(release)
        values_source = (rel, release.get("values"))
        for name in _inherited(release, templates, value.get("defaultInherit")):
            template_file, fields = templates[name]
            for key, field_value in fields.items():
                body.setdefault(key, field_value)
            if "values" not in release and "values" in fields:
                values_source = (template_file, fields["values"])
        source = _values_from_helmrelease(root, *values_source)
        if source:
            body["valuesFromHelmRelease"] = source
        namespace = str(release.get("namespace")) if isinstance(release.get("namespace"), str) else ""
        out.append(
            Document(
                rel,
                getattr(release, "line", 1),
                "HelmfileRelease",
                "helmfile/v1",
                release["name"],
                namespace,
                body,
                source="helmfile",
            )
        )
    return out


def _values_from_helmrelease(root: Path, rel: str, values: Any) -> str:
    """The HelmRelease file a release's values template reads, when it follows that pattern (values
    files are read only inside the repository)."""
    for entry in as_list(values):
        if not isinstance(entry, str) or entry == UNKNOWN:
            continue
        candidate = _readable(root, _folder_of(rel), entry)
        if candidate is None:
            continue
        try:
            text = candidate.read_text(errors="replace")
        except OSError:
            continue
        found = _helmrelease_read(text)
        if found:
            return found
        if "HelmRelease" in text and ".spec.values" in text:
            return entry
    return ""


def _helmrelease_read(text: str) -> str:
    """The first `…helmrelease….yaml` path on a line after `readFile`/`fromYaml`/`.Files.Get`: a path word
    that holds `helmrelease` (or `helm-release`), cut after its last `.yaml`/`.yml` that follows. Each line
    is scanned once (a regex doing the same backtracked quadratically: 4.6 s on a 20 KB line)."""
    scanned_to = 0
    for reader in _READS_FILE.finditer(text):
        if reader.start() < scanned_to:
            continue  # on a line already scanned from an earlier reader
        line_end = text.find("\n", reader.end())
        scanned_to = len(text) if line_end < 0 else line_end
        for word in _PATH_WORD.finditer(text, reader.end(), scanned_to):
            named = _HELMRELEASE_WORD.search(word.group())
            if named is None:
                continue
            suffixes = [m.end() for m in _YAML_SUFFIX.finditer(word.group(), named.end())]
            if suffixes:
                return word.group()[: suffixes[-1]]
    return ""


CONFIG_FILE = ".firstdomino.yaml"


def load_config(root: str | os.PathLike[str]) -> tuple[Any, list[InputProblem]]:
    """The repository's `.firstdomino.yaml` as a plain value (None when absent), and read problems."""
    path = Path(root) / CONFIG_FILE
    try:
        mode = path.lstat()
    except OSError:
        return None, []
    if stat.S_ISLNK(mode.st_mode):  # it may lead out of the repository: never followed
        return None, [InputProblem(CONFIG_FILE, None, "a link: not followed (make it a file in the repository)")]
    if not stat.S_ISREG(mode.st_mode) or mode.st_size > MAX_FILE_BYTES:
        return None, [InputProblem(CONFIG_FILE, None, "not a regular file of at most 16 MiB: not read")]
    try:
        data = path.read_bytes()
    except OSError as error:
        return None, [InputProblem(CONFIG_FILE, None, f"cannot read: {error.strerror or error}")]
    values, errors = parse_yaml_documents(data)
    problems = [InputProblem(CONFIG_FILE, line, message) for line, message in errors]
    return (values[0] if values else None), problems
