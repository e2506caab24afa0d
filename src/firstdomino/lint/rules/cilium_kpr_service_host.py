"""cilium/kpr-without-k8s-service-host — (predicted) kube-proxy replacement without an API endpoint.

What it detects:
    Cilium Helm values with `kubeProxyReplacement: true` (or `strict`) and no `k8sServiceHost`/
    `k8sServicePort`, in a HelmRelease, a helmfile release or an Argo CD Application. Values that come from
    files or templates the linter does not resolve are not judged.

Why it matters:
    Without kube-proxy the agent can only reach the API server through an address it does not have to
    translate itself. With the Service VIP (10.96.0.1) it never starts: Init:CrashLoopBackOff on `config`,
    nodes NotReady, the whole cluster waits.

Example:
    `kubeProxyReplacement: true` with no `k8sServiceHost` in `kubernetes/apps/cilium/helmrelease.yaml`.

Fix:
    Add `k8sServiceHost` and `k8sServicePort` (Talos with KubePrism: `localhost` and `7445`).

References:
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
    for release in releases(repo):
        if release.chart != "cilium" or release.values_unknown:
            continue
        values = flat(release.values)
        kpr = str(values.get("kubeProxyReplacement", "")).lower()
        if kpr in ("true", "strict") and not values.get("k8sServiceHost"):
            yield RULE.finding(
                release.doc,
                f"Cilium values of {release.deployer} release `{release.release}` enable "
                "kube-proxy replacement without k8sServiceHost/k8sServicePort",
            )


RULE = LintRule(
    id="cilium/kpr-without-k8s-service-host",
    title="Cilium kube-proxy replacement without an API endpoint (predicted)",
    severity=Severity.CRITICAL,
    check=check,
    module=__name__,
    fix="Add `k8sServiceHost` and `k8sServicePort` to the Cilium values (Talos KubePrism: localhost, 7445).",
    docs=("https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/",),
)
