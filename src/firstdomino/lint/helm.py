"""Where Helm releases are declared in a repository, in one shape: Flux HelmReleases, helmfile releases and
Argo CD Applications with a Helm chart. Shared by the lint rules (pure)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from firstdomino.model.decode import parse_yaml_documents
from firstdomino.model.repo import Document, Repository, as_list


@dataclass(frozen=True)
class Release:
    """One declaration of a Helm release."""

    doc: Document
    deployer: str  # flux | helmfile | argocd
    chart: str  # chart name without the repository prefix
    release: str  # the Helm release name that will be written
    namespace: str  # where the release's objects go
    version: str
    values: Mapping[str, Any]
    values_unknown: bool  # values come from files or templates we do not resolve
    linked_to: str = ""  # helmfile: the HelmRelease file its values are read from


def _chart_name(chart: str) -> str:
    return chart.rstrip("/").rsplit("/", 1)[-1]


def releases(repo: Repository) -> list[Release]:
    """Every Helm release declaration of the repository (computed once per Repository)."""
    cached: list[Release] | None = repo.__dict__.get("_helm_releases")
    if cached is None:
        cached = list(_releases(repo))
        object.__setattr__(repo, "_helm_releases", cached)  # a cache on a frozen value, built once
    return cached


def _releases(repo: Repository) -> Iterator[Release]:
    for doc in repo.flux("HelmRelease"):
        chart = doc.get("spec", "chart", "spec", "chart") or doc.get("spec", "chartRef", "name") or ""
        target = doc.get("spec", "targetNamespace") or doc.namespace or "default"
        release = doc.get("spec", "releaseName") or (
            f"{target}-{doc.name}" if doc.get("spec", "targetNamespace") and target != doc.namespace else doc.name
        )
        values = doc.get("spec", "values")
        yield Release(
            doc,
            "flux",
            _chart_name(str(chart)),
            str(release),
            str(target),
            str(doc.get("spec", "chart", "spec", "version") or ""),
            values if isinstance(values, Mapping) else {},
            bool(doc.get("spec", "valuesFrom")),
        )
    for doc in repo.of("HelmfileRelease"):
        inline: dict[str, Any] = {}
        unknown = False
        for entry in as_list(doc.get("values")):
            if isinstance(entry, Mapping):
                inline.update(entry)
            else:
                unknown = True
        for item in as_list(doc.get("set")):
            if isinstance(item, Mapping) and isinstance(item.get("name"), str):
                inline[item["name"]] = item.get("value")
        yield Release(
            doc,
            "helmfile",
            _chart_name(str(doc.get("chart") or "")),
            doc.name,
            doc.namespace or "default",
            str(doc.get("version") or ""),
            inline,
            unknown,
            str(doc.get("valuesFromHelmRelease") or ""),
        )
    for doc in repo.of("TerraformHelmRelease"):
        set_values = doc.get("setValues")
        yield Release(
            doc,
            "terraform",
            _chart_name(str(doc.get("chart") or "")),
            doc.name,
            doc.namespace or "default",
            str(doc.get("version") or ""),
            set_values if isinstance(set_values, Mapping) else {},
            bool(doc.get("valuesUnknown")),
        )
    for doc in repo.of("Application"):
        if doc.group != "argoproj.io":
            continue
        sources = [doc.get("spec", "source"), *as_list(doc.get("spec", "sources"))]
        for source in sources:
            if not isinstance(source, Mapping) or not source.get("chart"):
                continue
            found = source.get("helm")
            helm: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
            app_values: Any = helm.get("valuesObject") or {}
            if not app_values and isinstance(helm.get("values"), str):
                # with the reader's guards (alias bombs, nesting, values that only look like dates)
                parsed, _ = parse_yaml_documents(helm["values"].encode("utf-8", "surrogatepass"))
                app_values = parsed[0] if parsed else {}
            namespace = doc.get("spec", "destination", "namespace") or "default"
            yield Release(
                doc,
                "argocd",
                _chart_name(str(source["chart"])),
                str(helm.get("releaseName") or doc.name),
                str(namespace),
                str(source.get("targetRevision") or ""),
                app_values if isinstance(app_values, Mapping) else {},
                bool(helm.get("valueFiles")),
            )


def flat(values: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested Helm values flattened to dotted keys (`cgroup.autoMount.enabled`)."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            out.update(flat(value, path + "."))
        else:
            out[path] = value
    return out
