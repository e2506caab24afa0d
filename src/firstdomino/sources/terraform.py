"""Terraform (`*.tf`) as repository documents, with python-hcl2: `helm_release` resources become
`TerraformHelmRelease` documents (chart, version, namespace, `set` values; `values = [...]` expressions are
not evaluated and make the values unknown) and `kubectl_manifest` / `kubernetes_manifest` YAML bodies become
ordinary manifests. Lines come from the resource header in the file. Functions, variables and
`for_each` are not evaluated; a file python-hcl2 cannot parse is an `input/unparseable` problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from firstdomino.model.decode import LineDict, parse_yaml_documents
from firstdomino.model.repo import Document
from firstdomino.model.snapshot import InputProblem

_HEADER = re.compile(r'^\s*resource\s+"(?P<type>[\w-]+)"\s+"(?P<name>[\w-]+)"', re.M)


def read_terraform(
    file: Path,
    rel: str,
    documents: list[Document],
    problems: list[InputProblem],
    manifests: Callable[[Any, str, list[Document]], None],
) -> None:
    try:
        import hcl2
    except ImportError:  # pragma: no cover - python-hcl2 is a dependency
        problems.append(InputProblem(rel, None, "python-hcl2 is not installed: Terraform not read", "input/template"))
        return
    try:
        text = file.read_text(encoding="utf-8")
        options = hcl2.SerializationOptions(strip_string_quotes=True, preserve_heredocs=False, explicit_blocks=False)
        tree = hcl2.loads(text, serialization_options=options)
    except Exception as error:
        line = getattr(error, "line", None)
        problems.append(
            InputProblem(
                rel,
                line if isinstance(line, int) else None,
                f"Terraform not parsed: {str(error).splitlines()[0][:200]}",
            )
        )
        return
    lines = {(m.group("type"), m.group("name")): text.count("\n", 0, m.start()) + 1 for m in _HEADER.finditer(text)}
    for block in tree.get("resource", []) if isinstance(tree, dict) else []:
        if not isinstance(block, dict):
            continue
        for rtype, named in block.items():
            for name, body in (named or {}).items() if isinstance(named, dict) else []:
                if not isinstance(body, dict):
                    continue
                line = lines.get((rtype, name), 1)
                if rtype == "helm_release":
                    documents.append(_helm_release(rel, line, name, body))
                elif rtype in ("kubectl_manifest", "kubernetes_manifest"):
                    _manifest(rel, line, rtype, body, documents, problems, manifests)
                elif rtype.startswith("talos_machine_configuration"):
                    _talos_patches(rel, line, body, documents, problems, manifests)


def _helm_release(rel: str, line: int, name: str, body: dict[str, Any]) -> Document:
    values: dict[str, Any] = {}
    for item in body.get("set") or []:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            values[item["name"]] = item.get("value")
    fields = {
        "name": body.get("name", name),
        "chart": body.get("chart", ""),
        "version": body.get("version", ""),
        "namespace": body.get("namespace", "default"),
        "setValues": values,
        "valuesUnknown": bool(body.get("values")),
        "dependsOn": body.get("depends_on") or [],
    }
    return Document(
        rel,
        line,
        "TerraformHelmRelease",
        "terraform/v1",
        str(fields["name"]),
        str(fields["namespace"]),
        LineDict(fields),
        source="terraform",
    )


def _talos_patches(
    rel: str,
    line: int,
    body: dict[str, Any],
    documents: list[Document],
    problems: list[InputProblem],
    manifests: Callable[[Any, str, list[Document]], None],
) -> None:
    """Talos `config_patches` written inline (heredoc YAML); `yamlencode()`/`file()` patches are not evaluated."""
    for patch in body.get("config_patches") or []:
        if not isinstance(patch, str) or patch.startswith("${"):
            continue
        values = _parse_embedded(rel, line, patch, "config_patches", problems)
        documents.extend(d for d in _embedded_documents(rel, line, values, manifests) if d.kind == "TalosConfig")


def _manifest(
    rel: str,
    line: int,
    rtype: str,
    body: dict[str, Any],
    documents: list[Document],
    problems: list[InputProblem],
    manifests: Callable[[Any, str, list[Document]], None],
) -> None:
    if rtype == "kubernetes_manifest" and isinstance(body.get("manifest"), dict):
        values: list[Any] = [body["manifest"]]
    elif isinstance(body.get("yaml_body"), str) and "${" not in body["yaml_body"][:1]:
        values = _parse_embedded(rel, line, body["yaml_body"], "yaml_body", problems)
    else:
        return  # a file() / templatefile() body: not evaluated
    documents.extend(_embedded_documents(rel, line, values, manifests))


def _parse_embedded(rel: str, line: int, text: str, attribute: str, problems: list[InputProblem]) -> list[Any]:
    """The YAML documents of a resource attribute; errors are reported at the resource's line plus theirs."""
    values, errors = parse_yaml_documents(text.encode())
    for err_line, message in errors:
        problems.append(InputProblem(rel, line + (err_line or 1), f"{attribute}: {message}"))
    return values


def _embedded_documents(
    rel: str, line: int, values: list[Any], manifests: Callable[[Any, str, list[Document]], None]
) -> list[Document]:
    """Documents from YAML embedded in a Terraform resource, all placed at the resource's line (lines inside
    a heredoc are relative to it)."""
    found: list[Document] = []
    for value in values:
        manifests(value, rel, found)
    return [
        Document(d.path, line, d.kind, d.api_version, d.name, d.namespace, d.body, source="terraform") for d in found
    ]
