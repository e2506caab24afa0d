"""Read a GitOps repository from disk into a `Repository`: every YAML document with its file and line;
helmfile releases (`helmfile.yaml`, `helmfile.d/*.yaml[.gotmpl]`) as `HelmfileRelease` documents.

Go templates are not executed: template expressions become the unknown value `<template>`, and template
control lines are dropped. A helmfile release whose values template reads a Flux HelmRelease file (the
standard bootstrap pattern) records that file under `valuesFromHelmRelease`. Unreadable files are
`input/unparseable` problems with path and line; the run goes on.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import Any

from firstdomino.errors import InputError
from firstdomino.model.decode import parse_yaml_documents
from firstdomino.model.repo import Document, Repository
from firstdomino.model.snapshot import InputProblem

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
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not (Path(dirpath) / d).is_symlink())
        for filename in sorted(filenames):
            lower = filename.lower()
            if not lower.endswith((".yaml", ".yml", ".yaml.gotmpl", ".yml.gotmpl")):
                continue
            file = Path(dirpath) / filename
            rel = file.relative_to(root).as_posix()
            if file.is_symlink():
                continue
            files += 1
            if files > MAX_FILES:
                problems.append(InputProblem(rel, None, f"more than {MAX_FILES} YAML files: the rest is not read"))
                break
            _read(file, rel, documents, problems)
    return Repository(str(root), tuple(documents), tuple(sorted(problems)), files)


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
        problems.append(InputProblem(rel, line, message))
    for value in values:
        if is_helmfile(rel) and isinstance(value, dict) and isinstance(value.get("releases"), list):
            documents.extend(_helmfile_releases(file, rel, value))
        else:
            _manifests(value, rel, documents)


def _manifests(value: Any, rel: str, out: list[Document]) -> None:
    if not isinstance(value, dict):
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


def _helmfile_releases(file: Path, rel: str, value: dict[str, Any]) -> list[Document]:
    out = []
    for release in value["releases"]:
        if not isinstance(release, dict) or not isinstance(release.get("name"), str):
            continue
        body = dict(release)
        source = _values_from_helmrelease(file, release.get("values"))
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
