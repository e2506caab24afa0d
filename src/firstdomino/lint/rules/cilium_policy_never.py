"""cilium/policy-enforcement-never — Cilium network-policy enforcement switched off.

What it detects:
    Cilium Helm values (in a HelmRelease, a helmfile release or an Argo CD Application) with
    `policyEnforcementMode: never`, and a `cilium-config` ConfigMap with `enable-policy: never`.

Why it matters:
    Every NetworkPolicy and CiliumNetworkPolicy is silently ignored. It is a common "fix" for
    `operation not permitted` errors — which are not policy denials at all (Cilium's socket load balancer
    refusing a Service with no ready backend) — so it removes security and fixes nothing.

Example:
    `policyEnforcementMode: "never"` added to the Cilium values after a bootstrap incident.

Fix:
    Remove the override (the default is `default`); fix the real cause of the errors (see `firstdomino diagnose`).

References:
    https://docs.cilium.io/en/stable/security/policy/intro/#policy-enforcement-modes
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
        if release.chart == "cilium" and str(flat(release.values).get("policyEnforcementMode", "")).lower() == "never":
            yield RULE.finding(
                release.doc,
                f"Cilium values of {release.deployer} release `{release.release}` disable "
                "policy enforcement (policyEnforcementMode: never)",
            )
    for doc in repo.of("ConfigMap"):
        if doc.name == "cilium-config" and str(doc.get("data", "enable-policy", default="")).lower() == "never":
            yield RULE.finding(doc, "cilium-config sets enable-policy: never", line=doc.line_of("data"))


RULE = LintRule(
    id="cilium/policy-enforcement-never",
    title="Cilium policy enforcement disabled",
    severity=Severity.HIGH,
    check=check,
    module=__name__,
    fix="Remove `policyEnforcementMode: never` (default: `default`) and fix the real cause of the errors.",
    docs=("https://docs.cilium.io/en/stable/security/policy/intro/#policy-enforcement-modes",),
)
