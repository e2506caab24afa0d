"""Read a GitOps repository from disk into a `Repository`: every YAML document with its file and line;
helmfile releases (`helmfile.yaml`, `helmfile.d/*.yaml[.gotmpl]`) as `HelmfileRelease` documents.

Go templates are not executed: template expressions become the unknown value `<template>`, and template
control lines are dropped. A helmfile release whose values template reads a Flux HelmRelease file (the
standard bootstrap pattern) records that file under `valuesFromHelmRelease`. Unreadable files are
`input/unparseable` problems with path and line; the run goes on.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
from pathlib import Path
from typing import Any

from firstdomino.errors import InputError
from firstdomino.model.decode import parse_yaml_documents
from firstdomino.model.repo import Document, Repository
from firstdomino.model.snapshot import InputProblem
from firstdomino.sources.terraform import read_terraform

#: Folders never read: VCS data, dependencies, build output.
SKIP_DIRS = frozenset({".git", "node_modules", "vendor", ".terraform", "__pycache__", ".venv", "dist", "build"})
MAX_FILES = 50_000
MAX_FILE_BYTES = 16 * 1024 * 1024
UNKNOWN = "<template>"

_TEMPLATE_LINE = re.compile(r"^\s*\{\{-?\s*(?:if|else|end|range|with|define|block|template|/\*).*\}\}\s*$")
_TEMPLATE_EXPR = re.compile(r"\{\{-?.*?-?\}\}")
_HELMRELEASE_READ = re.compile(r"(?:readFile|fromYaml|\.Files\.Get)[^\n]*?([\w./-]*helm-?release[\w./-]*\.ya?ml)", re.I)


def is_helmfile(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return name.startswith("helmfile.") or "/helmfile.d/" in f"/{rel}"


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
        lines.append(_TEMPLATE_EXPR.sub(UNKNOWN, line))
    return "\n".join(lines)


def load_repository(path: str | os.PathLike[str]) -> Repository:
    root = Path(path)
    if not root.is_dir():
        raise InputError(f"{root}: not a directory (give the root of a GitOps repository)")
    documents: list[Document] = []
    problems: list[InputProblem] = []
    files = 0
    base = str(root)
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not os.path.islink(os.path.join(dirpath, d)))
        prefix = os.path.relpath(dirpath, base).replace(os.sep, "/")
        prefix = "" if prefix == "." else prefix + "/"
        for filename in sorted(filenames):
            lower = filename.lower()
            if not lower.endswith((".yaml", ".yml", ".yaml.gotmpl", ".yml.gotmpl", ".tf")):
                continue
            full = os.path.join(dirpath, filename)
            if os.path.islink(full):
                continue
            file = Path(full)
            rel = prefix + filename
            files += 1
            if files > MAX_FILES:
                problems.append(InputProblem(rel, None, f"more than {MAX_FILES} files: the rest is not read"))
                break
            if lower.endswith(".tf"):
                read_terraform(file, rel, documents, problems, _manifests)
            else:
                _read(file, rel, documents, problems)
    return Repository(str(root), tuple(_kustomize_namespaces(documents)), tuple(sorted(problems)), files)


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
    configs = {d.path: d for d in documents if d.kind == "Kustomization" and d.group == "kustomize.config.k8s.io"}
    by_dir = {path.rsplit("/", 1)[0] if "/" in path else "": doc for path, doc in configs.items()}
    assigned: dict[str, str] = {}

    def walk(directory: str, namespace: str, depth: int) -> None:
        config = by_dir.get(directory)
        if config is None or depth > 20:
            return
        own = config.get("namespace")
        namespace = own if isinstance(own, str) and own else namespace
        for entry in list(config.get("resources") or []) + list(config.get("components") or []):
            if not isinstance(entry, str) or "://" in entry or entry.startswith(("github.com/", "git@")):
                continue
            target = _normalise(f"{directory}/{entry}" if directory else entry)
            if target is None:
                continue
            if target in by_dir:
                walk(target, namespace, depth + 1)
            elif namespace:
                assigned.setdefault(target, namespace)

    children = {
        _normalise(f"{d}/{e}" if d else str(e))
        for d, c in by_dir.items()
        for e in list(c.get("resources") or [])
        if isinstance(e, str)
    }
    for directory in sorted(by_dir):
        if directory not in children:  # roots of kustomize trees first; inner ones inherit
            walk(directory, "", 0)
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


def _read(file: Path, rel: str, documents: list[Document], problems: list[InputProblem]) -> None:
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(InputProblem(rel, None, f"file is {size:,} bytes: not read"))
            return
        data = file.read_bytes()
    except OSError as error:
        problems.append(InputProblem(rel, None, f"cannot read: {error.strerror or error}"))
        return
    templated = rel.endswith(".gotmpl") or is_helmfile(rel) or b"{{" in data
    if templated:
        with contextlib.suppress(UnicodeDecodeError):  # reported by the parser
            data = strip_templates(data.decode("utf-8")).encode()
    values, errors = parse_yaml_documents(data)
    for line, message in errors:
        if rel.endswith(".gotmpl"):  # a Go template is YAML only once rendered: not a defect of the repository
            problems.append(
                InputProblem(rel, line, f"Go template not rendered, not checked ({message})", "input/template")
            )
        else:
            problems.append(InputProblem(rel, line, message))
    for value in values:
        if _looks_like_helmfile(value):
            documents.extend(_helmfile_releases(file, rel, value))
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


def _helmfile_templates(file: Path, value: dict[str, Any], depth: int = 0) -> dict[str, tuple[Path, dict[str, Any]]]:
    """Release templates of a helmfile and of its `bases` (name -> (file that defines it, fields))."""
    found: dict[str, tuple[Path, dict[str, Any]]] = {}
    for base in value.get("bases") or []:
        if not isinstance(base, str) or depth > 5:
            continue
        path = (file.parent / base).resolve()
        if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            continue
        try:
            docs, _ = parse_yaml_documents(strip_templates(path.read_text(errors="replace")).encode())
        except OSError:
            continue
        for doc in docs:
            if isinstance(doc, dict):
                found.update(_helmfile_templates(path, doc, depth + 1))
    for name, fields in (value.get("templates") or {}).items() if isinstance(value.get("templates"), dict) else ():
        if isinstance(fields, dict):
            found[str(name)] = (file, fields)
    return found


def _inherited(release: dict[str, Any], templates: dict[str, tuple[Path, dict[str, Any]]], default: Any) -> list[str]:
    names: list[str] = []
    inherit = release.get("inherit")
    for entry in inherit if isinstance(inherit, list) else [inherit] if inherit else []:
        if isinstance(entry, dict) and isinstance(entry.get("template"), str):
            names.append(entry["template"])
    if not names and isinstance(default, str):
        names.append(default)
    return [n for n in names if n in templates]


def _helmfile_releases(file: Path, rel: str, value: dict[str, Any]) -> list[Document]:
    out = []
    templates = _helmfile_templates(file, value)
    for release in value["releases"]:
        if not isinstance(release, dict) or not isinstance(release.get("name"), str):
            continue
        body = dict(release)
        values_source = (file, release.get("values"))
        for name in _inherited(release, templates, value.get("defaultInherit")):
            template_file, fields = templates[name]
            for key, field_value in fields.items():
                body.setdefault(key, field_value)
            if "values" not in release and "values" in fields:
                values_source = (template_file, fields["values"])
        source = _values_from_helmrelease(*values_source)
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


def _values_from_helmrelease(file: Path, values: Any) -> str:
    """The HelmRelease file a release's values template reads, when it follows that pattern."""
    for entry in values if isinstance(values, list) else []:
        if not isinstance(entry, str) or entry == UNKNOWN:
            continue
        candidate = (file.parent / entry).resolve()
        if not candidate.is_file() or candidate.stat().st_size > MAX_FILE_BYTES:
            continue
        try:
            text = candidate.read_text(errors="replace")
        except OSError:
            continue
        match = _HELMRELEASE_READ.search(text)
        if match:
            return match.group(1)
        if "HelmRelease" in text and ".spec.values" in text:
            return entry
    return ""


CONFIG_FILE = ".firstdomino.yaml"


def load_config(root: str | os.PathLike[str]) -> tuple[Any, list[InputProblem]]:
    """The repository's `.firstdomino.yaml` as a plain value (None when absent), and read problems."""
    path = Path(root) / CONFIG_FILE
    if not path.is_file():
        return None, []
    try:
        data = path.read_bytes()
    except OSError as error:
        return None, [InputProblem(CONFIG_FILE, None, f"cannot read: {error.strerror or error}")]
    values, errors = parse_yaml_documents(data)
    problems = [InputProblem(CONFIG_FILE, line, message) for line, message in errors]
    return (values[0] if values else None), problems
