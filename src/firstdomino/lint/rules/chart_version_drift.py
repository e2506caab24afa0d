"""gitops/chart-version-drift — the same chart pinned to different versions in two places.

What it detects:
    The same release (chart and release name) pinned to two or more different versions across the
    repository's HelmReleases, helmfile releases and Argo CD Applications, whatever their namespaces (two
    different apps using one chart at different versions are not drift). Parallel per-environment files
    (`overlays/dev/…/x.yaml` and `overlays/prod/…/x.yaml`, one folder apart) may differ on purpose and are
    not compared with each other.

Why it matters:
    A bootstrap installs one version and the GitOps controller "upgrades" to the other (or back), or two
    clusters built from the same repository run different CRD versions. Usually one pin was forgotten in a
    version bump.

Example:
    `bootstrap/helmfile.d/01-core.yaml` pins cilium 1.18.2, `kubernetes/apps/cilium/helmrelease.yaml` 1.18.3.

Fix:
    Pin the chart in one place (a shared values/version file, or let one deployer read the other's file),
    or bump every pin together.

References:
    https://helm.sh/docs/topics/chart_best_practices/dependencies/#versions
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from firstdomino.lint.finding import LintFinding
from firstdomino.lint.helm import Release, releases
from firstdomino.lint.rule import LintRule
from firstdomino.model.repo import Repository
from firstdomino.model.severity import Severity


def _parallel_overlays(a: str, b: str) -> bool:
    """`overlays/dev/apps/x.yaml` and `overlays/prod/apps/x.yaml`: one file per environment (cluster), which
    may pin different versions on purpose (dev ahead of prod). Same depth, one differing folder."""
    pa, pb = a.split("/"), b.split("/")
    return len(pa) == len(pb) and pa[-1] == pb[-1] and sum(x != y for x, y in zip(pa, pb, strict=True)) == 1


def check(repo: Repository) -> Iterator[LintFinding]:
    by_release: dict[tuple[str, str], list[Release]] = defaultdict(list)
    for release in releases(repo):
        if (
            release.chart
            and "<template>" not in release.chart
            and release.version
            and "<template>" not in release.version
        ):
            by_release[(release.chart, release.release)].append(release)
    for (chart, name), members in sorted(by_release.items()):
        members.sort(key=lambda r: (r.doc.path, r.doc.line))
        conflict = next(
            (
                (a, b)
                for i, a in enumerate(members)
                for b in members[i + 1 :]
                if a.version != b.version and not _parallel_overlays(a.doc.path, b.doc.path)
            ),
            None,
        )
        if conflict is None:
            continue
        first = members[0]
        yield RULE.finding(
            first.doc,
            f"chart {chart} (release `{name}`) is pinned to {len({r.version for r in members})} versions: "
            + ", ".join(f"{r.version} ({r.doc.path}:{r.doc.line})" for r in members),
            related=[r.doc for r in members[1:]],
        )


RULE = LintRule(
    id="gitops/chart-version-drift",
    title="Chart pinned to different versions",
    severity=Severity.MEDIUM,
    check=check,
    module=__name__,
    fix="Pin the chart version in one place, or bump every pin together.",
    docs=("https://helm.sh/docs/topics/chart_best_practices/dependencies/#versions",),
)
