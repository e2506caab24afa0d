"""Terraform (`*.tf`) as repository documents, with python-hcl2: `helm_release` resources become
`TerraformHelmRelease` documents (chart, version, namespace, `set` values; `values = [...]` expressions are
not evaluated and make the values unknown) and `kubectl_manifest` / `kubernetes_manifest` YAML bodies become
ordinary manifests. Lines come from the resource header in the file. Functions, variables and
`for_each` are not evaluated; a file python-hcl2 cannot parse is an `input/unparseable` problem.

python-hcl2 parses with lark in pure Python, 15–150 KB/s depending on how dense the tokens are, so the
parse is bounded by tokens, not bytes: a file of more than MAX_HCL_TOKENS is listed as not checked
(heredoc bodies are one token each, so a file of large embedded manifests still parses).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from firstdomino.model.decode import LineDict, parse_yaml_documents
from firstdomino.model.repo import Document
from firstdomino.model.snapshot import InputProblem

#: `[ \t]`, not `\s`: under re.M a `\s*` after `^` spans blank lines, and the search became quadratic
#: (40,000 blank lines: 2.9 s).
_HEADER = re.compile(r'^[ \t]*resource[ \t]+"(?P<type>[\w-]+)"[ \t]+"(?P<name>[\w-]+)"', re.M)
#: Tokens one file may have. The parse, tree transform and serialisation cost 50–70 µs per token on
#: dense input (measured: `x = [1,1,...]` of 128 KiB, 131,000 tokens, 8.6 s), so this bounds a file at
#: about 3 s; ordinary Terraform has ~60 tokens per KB, i.e. this allows about 700 KB of it.
MAX_HCL_TOKENS = 40_000
MAX_TERRAFORM_BYTES = 16 * 1024 * 1024


class _TooLong(Exception):
    """A file with more tokens than MAX_HCL_TOKENS."""


def _parse_hcl(text: str) -> Any:
    """`hcl2.loads`, fed token by token through lark's interactive parser so that it stops after
    MAX_HCL_TOKENS tokens instead of running for minutes."""
    import hcl2
    from hcl2.api import serialize, transform
    from hcl2.parser import parser

    options = hcl2.SerializationOptions(strip_string_quotes=True, preserve_heredocs=False, explicit_blocks=False)
    session = parser().parse_interactive(text + "\n")  # the newline: as hcl2.api.parses_to_tree
    finish: Callable[[Any], Any] = session.feed_eof
    last = None
    for count, token in enumerate(session.iter_parse(), start=1):
        if count > MAX_HCL_TOKENS:
            raise _TooLong
        last = token
    return serialize(transform(finish(last)), serialization_options=options)


def read_terraform(
    file: Path,
    rel: str,
    size: int,
    documents: list[Document],
    problems: list[InputProblem],
    manifests: Callable[[Any, str, list[Document]], None],
) -> None:
    try:
        import hcl2  # noqa: F401
    except ImportError:  # pragma: no cover - python-hcl2 is a dependency
        problems.append(InputProblem(rel, None, "python-hcl2 is not installed: Terraform not read", "input/template"))
        return
    if size > MAX_TERRAFORM_BYTES:
        problems.append(InputProblem(rel, None, f"file is {size:,} bytes: not read"))
        return
    try:
        text = file.read_text(encoding="utf-8")
        tree = _parse_hcl(text)
    except _TooLong:
        problems.append(
            InputProblem(
                rel, None, f"more than {MAX_HCL_TOKENS:,} HCL tokens: Terraform not parsed (too slow)", "input/template"
            )
        )
        return
    except Exception as error:
        line = getattr(error, "line", None)
        problems.append(
            InputProblem(
                rel,
                line if isinstance(line, int) else None,
                f"Terraform not parsed: {(str(error).splitlines() or [type(error).__name__])[0][:200]}",
            )
        )
        return
    lines: dict[tuple[str, str], int] = {}
    line, counted = 1, 0
    for m in _HEADER.finditer(text):  # lines counted incrementally: one pass over the text
        line += text.count("\n", counted, m.start())
        counted = m.start()
        lines[(m.group("type"), m.group("name"))] = line
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
    found = body.get("set")
    for item in found if isinstance(found, list) else [found] if isinstance(found, dict) else []:
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
    patches = body.get("config_patches")
    for patch in patches if isinstance(patches, list) else []:
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
