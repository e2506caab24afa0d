"""cni/no-service-proxy — (predicted) kube-proxy disabled in Talos while Cilium does not replace it.

What it detects:
    A Talos machine configuration or patch with `cluster.proxy.disabled: true`, and Cilium Helm values (in
    a HelmRelease, a helmfile release or an Argo CD Application) with `kubeProxyReplacement` false or unset
    (the chart default). Values that come from files or templates the linter does not resolve are not
    judged.

Why it matters:
    Nothing implements ClusterIP Services for the host network namespace, and pods lose the `kubernetes`
    Service (10.96.0.1:443 i/o timeout): CoreDNS never gets Ready, so DNS fails too, and every controller
    crash-loops. This is incident 002.

Example:
    `talos/patches/cluster.yaml`: `cluster.proxy.disabled: true`; `infrastructure/cilium/helmrelease.yaml`:
    `kubeProxyReplacement: false`.

Fix:
    Make them agree: `kubeProxyReplacement: true` with `k8sServiceHost`/`k8sServicePort` (Talos KubePrism:
    `localhost`, `7445`), or keep kube-proxy (`cluster.proxy.disabled: false`).

References:
    https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium
    https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/
"""

from __future__ import annotations

from collections.abc import Iterator

from firstdomino.lint.finding import LintFinding
from firstdomino.lint.helm import flat, releases
from firstdomino.lint.rule import LintRule
from firstdomino.model.repo import Repository
from firstdomino.model.severity import Severity


def check(repo: Repository) -> Iterator[LintFinding]:
    talos = [d for d in repo.of("TalosConfig") if d.get("cluster", "proxy", "disabled") is True]
    if not talos:
        return
    for release in releases(repo):
        if release.chart != "cilium" or release.values_unknown:
            continue
        kpr = str(flat(release.values).get("kubeProxyReplacement", "false")).lower()
        if kpr in ("false", "disabled", "partial", "probe", ""):
            where = f"{talos[0].path}:{talos[0].line_of('cluster', 'proxy')}"
            yield RULE.finding(
                release.doc,
                f"Talos disables kube-proxy ({where}) but the Cilium values "
                f"of {release.deployer} release `{release.release}` leave kube-proxy replacement off "
                f"(kubeProxyReplacement: {kpr or 'unset'}): nothing will implement ClusterIP Services",
                related=talos,
            )


RULE = LintRule(
    id="cni/no-service-proxy",
    title="kube-proxy disabled, Cilium does not replace it (predicted)",
    severity=Severity.CRITICAL,
    check=check,
    module=__name__,
    fix="Set Cilium `kubeProxyReplacement: true` with `k8sServiceHost`/`k8sServicePort` (Talos KubePrism: localhost, "
    "7445), or keep kube-proxy (Talos `cluster.proxy.disabled: false`).",
    docs=(
        "https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium",
        "https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/",
    ),
)
