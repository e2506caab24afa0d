"""gitops/divergent-dual-management — one Helm release declared by two deployers that can diverge.

What it detects:
    The same chart installed into the same namespace by two deployers — helmfile, a Flux HelmRelease, an
    Argo CD Application — whose definitions differ: a different release name (Flux's default is
    `<targetNamespace>-<name>`), chart version or values. In the standard bootstrap pattern the helmfile
    release reads its values from the HelmRelease file: values cannot differ then, and with the same release
    name and version the rule stays silent.

Why it matters:
    After bootstrap both deployers own the release. Each upgrade undoes the other's values (helm-controller
    upgrades back any revision it did not make and, since Flux 2.4, takes ownership of the objects); for a
    CNI every flip rolls the agents and the upgrade times out (`context deadline exceeded`), and everything
    that depends on the network falls over. This is incident 004.

Example:
    `bootstrap/helmfile.d/01-core.yaml` installs `cilium` 1.18.2 in kube-system with `k8sServiceHost` set;
    `kubernetes/bases/cilium/helmrelease.yaml` installs chart cilium with `targetNamespace: kube-system` —
    release `kube-system-cilium`, other values.

Fix:
    Give the release one owner after bootstrap: let the helmfile release read its values from the
    HelmRelease file and use the same release name (`spec.releaseName`), namespace and version, or remove the
    HelmRelease and keep only day-2 objects in Flux.

References:
    https://fluxcd.io/flux/components/helm/helmreleases/#release-name
    https://github.com/fluxcd/helm-controller/issues/1251
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from itertools import combinations

from firstdomino.lint.finding import LintFinding
from firstdomino.lint.helm import Release, flat, releases
from firstdomino.lint.rule import LintRule
from firstdomino.model.repo import Repository
from firstdomino.model.severity import Severity


def _linked(a: Release, b: Release) -> bool:
    """helmfile reads its values from the other's HelmRelease file: the safe bootstrap pattern."""
    for one, other in ((a, b), (b, a)):
        if one.deployer == "helmfile" and one.linked_to and other.deployer == "flux":
            link = one.linked_to.rsplit("/", 1)[-1]
            if other.doc.path.endswith(link) or link in other.doc.path:
                return True
    return False


def _scalar(value: object) -> object:
    """Helm `--set`/Terraform `set` values are strings Helm types on the way in: compare them as text."""
    return str(value).lower() if isinstance(value, bool | int | float | str) else value


def _differences(a: Release, b: Release, linked: bool) -> list[str]:
    out = []
    if a.release != b.release:
        out.append(f"release name `{a.release}` vs `{b.release}`")
    if a.version and b.version and a.version != b.version and "<template>" not in a.version + b.version:
        out.append(f"chart version {a.version} vs {b.version}")
    if not linked and not a.values_unknown and not b.values_unknown:
        fa, fb = flat(a.values), flat(b.values)
        changed = sorted(k for k in set(fa) | set(fb) if _scalar(fa.get(k)) != _scalar(fb.get(k)))
        if changed:
            shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
            out.append(f"values differ ({shown})")
    return out


def check(repo: Repository) -> Iterator[LintFinding]:
    groups: dict[tuple[str, str], list[Release]] = defaultdict(list)
    found = list(releases(repo))
    known = {(r.release, r.namespace): r.chart for r in found if r.chart and "<template>" not in r.chart}
    for release in found:
        chart = release.chart
        if not chart or "<template>" in chart:
            # a templated chart (helmfile reading it from another file): match by release name and namespace
            chart = known.get((release.release, release.namespace), "")
        if chart:
            groups[(chart, release.namespace)].append(release)
    for (chart, namespace), members in sorted(groups.items()):
        for a, b in combinations(members, 2):
            if a.deployer == b.deployer:
                continue
            diffs = _differences(a, b, _linked(a, b))
            if not diffs:
                continue
            first, second = sorted((a, b), key=lambda r: (r.deployer != "flux", r.doc.path))
            yield RULE.finding(
                first.doc,
                f"chart {chart} in {namespace} is deployed by {first.deployer} ({first.doc.path}) and by "
                f"{second.deployer} ({second.doc.path}:{second.doc.line}), and they can diverge: {'; '.join(diffs)}",
                related=[second.doc],
            )


RULE = LintRule(
    id="gitops/divergent-dual-management",
    title="One Helm release, two deployers that can diverge",
    severity=Severity.HIGH,
    check=check,
    module=__name__,
    fix="Give the release one owner: have the helmfile release read its values from the HelmRelease file with the "
    "same releaseName, namespace and version, or remove the HelmRelease and keep day-2 objects in Flux.",
    docs=(
        "https://fluxcd.io/flux/components/helm/helmreleases/#release-name",
        "https://github.com/fluxcd/helm-controller/issues/1251",
    ),
)
