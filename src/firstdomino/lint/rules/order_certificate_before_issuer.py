"""order/certificate-before-issuer — a Certificate is applied before its Issuer or ClusterIssuer.

What it detects:
    A cert-manager Certificate whose `issuerRef` names an Issuer/ClusterIssuer that the repository applies
    in another Flux Kustomization the Certificate's Kustomization does not (transitively) depend on, or,
    within one Argo CD Application, in a later sync wave (`argocd.argoproj.io/sync-wave`).

Why it matters:
    The Certificate is created while its issuer does not exist: issuance fails, and cert-manager then backs
    off for 1 h × 2^(n-1) before trying again, so the Secret (and every pod mounting it) waits an hour or
    more after the issuer appears.

Example:
    `apps/traefik/certificate.yaml` (Kustomization `apps`) uses ClusterIssuer `letsencrypt`, defined in
    `infrastructure/issuers/clusterissuer.yaml` (Kustomization `issuers`); `apps` has no `dependsOn: issuers`.

Fix:
    Add the dependency (`dependsOn: [{name: issuers}]`, with `wait: true` or a health check on the issuer),
    or put the issuer in an earlier sync wave than the Certificate.

References:
    https://fluxcd.io/flux/components/kustomize/kustomizations/#dependencies
    https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/
    https://cert-manager.io/docs/reference/api-docs/#cert-manager.io/v1.CertificateStatus
"""

from __future__ import annotations

from collections.abc import Iterator

from firstdomino.lint.finding import LintFinding
from firstdomino.lint.rule import LintRule
from firstdomino.model.flux import FluxTree
from firstdomino.model.repo import Document, Repository
from firstdomino.model.severity import Severity


def check(repo: Repository) -> Iterator[LintFinding]:
    issuers: dict[tuple[str, str, str], Document] = {}
    for doc in repo.of("Issuer", "ClusterIssuer"):
        if doc.group == "cert-manager.io":
            issuers[(doc.kind, "" if doc.kind == "ClusterIssuer" else doc.namespace, doc.name)] = doc
    tree = FluxTree.of(repo)
    for cert in repo.of("Certificate"):
        if cert.group != "cert-manager.io":
            continue
        kind = str(cert.get("spec", "issuerRef", "kind") or "Issuer")
        name = str(cert.get("spec", "issuerRef", "name") or "")
        issuer = issuers.get((kind, "" if kind == "ClusterIssuer" else cert.namespace, name))
        if issuer is None:
            continue
        cert_owner, issuer_owner = tree.owner(cert), tree.owner(issuer)
        line = cert.line_of("spec", "issuerRef")
        if cert_owner and issuer_owner and not tree.ordered_before(issuer_owner, cert_owner):
            namespace = tree.kustomizations[cert_owner].get("spec", "targetNamespace") or cert.namespace or "default"
            yield RULE.finding(
                cert,
                f"Certificate {namespace}/{cert.name} (Kustomization {cert_owner[1]}) uses {kind} {name}, "
                f"applied by Kustomization {issuer_owner[1]}, which {cert_owner[1]} does not depend on",
                line=line,
                related=[issuer],
            )
        elif cert_owner is None and issuer_owner is None and cert.sync_wave < issuer.sync_wave:
            yield RULE.finding(
                cert,
                f"Certificate {cert.namespace}/{cert.name} is in sync wave {cert.sync_wave}, before its {kind} "
                f"{name} (wave {issuer.sync_wave})",
                line=line,
                related=[issuer],
            )


RULE = LintRule(
    id="order/certificate-before-issuer",
    title="Certificate applied before its issuer",
    severity=Severity.HIGH,
    check=check,
    module=__name__,
    fix="Make the Certificate's Kustomization depend on the issuer's (with wait or a health check), or put the "
    "issuer in an earlier sync wave.",
    docs=(
        "https://fluxcd.io/flux/components/kustomize/kustomizations/#dependencies",
        "https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/",
    ),
)
