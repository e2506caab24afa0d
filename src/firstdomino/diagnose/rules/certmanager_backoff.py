"""certmanager/issuance-backoff — a Certificate failed issuance and waits before retrying.

What it detects:
    Certificates that are not Ready with `status.failedIssuanceAttempts` ≥ 1 and `status.lastFailureTime`:
    cert-manager retries only after `1h × 2^(failedIssuanceAttempts-1)` (1 h, 2 h, 4 h …). The rule gives the
    time of the next attempt (`healsAt`) and says whether the cause of the failure (the issuer) has
    recovered in the meantime.

Why it matters:
    A Certificate that failed during bootstrap (issuer not ready yet, DNS down, webhook unavailable) stays
    failed for an hour or more although everything is fine now; pods waiting for its Secret wait with it.
    This is a common source of "it fixed itself after an hour".

Example:
    failedIssuanceAttempts 2, lastFailureTime 09:10 → next attempt 11:10; the ClusterIssuer has been Ready
    since 09:20.

Fix:
    Wait for the retry, or trigger it now once the issuer is Ready: `cmctl renew NAME -n NS` (or delete the
    failed CertificateRequest). Verify: `kubectl get certificate -n NS NAME -w`.

References:
    https://cert-manager.io/docs/reference/api-docs/#cert-manager.io/v1.CertificateStatus
    https://cert-manager.io/docs/reference/cmctl/#renew
"""

from __future__ import annotations

from collections.abc import Iterator

from firstdomino.diagnose.budgets import CERTMANAGER_BACKOFF_BASE
from firstdomino.diagnose.common import condition, is_true, short
from firstdomino.diagnose.context import Context
from firstdomino.diagnose.finding import Evidence, Finding, Severity
from firstdomino.diagnose.rule import LAYER_GITOPS, Rule
from firstdomino.model.kinds import Certificate, Issuer
from firstdomino.model.ref import ObjectRef
from firstdomino.model.snapshot import ref_of
from firstdomino.model.timeutil import format_time, parse_time

#: cert-manager caps the exponent; 2^(n-1) hours grows past any bootstrap long before this.
MAX_EXPONENT = 10


def check(ctx: Context) -> Iterator[Finding]:
    for cert in ctx.snapshot.of("Certificate"):
        if not isinstance(cert, Certificate):
            continue
        attempts = cert.status.failed_issuance_attempts
        failed_at = parse_time(cert.status.last_failure_time)
        if attempts < 1 or failed_at is None or is_true(cert.status.conditions, "Ready"):
            continue
        ref = ref_of(cert, "Certificate")
        retry_at = failed_at + CERTMANAGER_BACKOFF_BASE * 2 ** min(attempts - 1, MAX_EXPONENT)
        evidence = [
            Evidence(
                str(ref),
                "status",
                f"failedIssuanceAttempts {attempts}, lastFailureTime "
                f"{cert.status.last_failure_time}: next attempt at {format_time(retry_at)}",
            )
        ]
        ready = condition(cert.status.conditions, "Ready")
        if ready is not None:
            evidence.append(Evidence(str(ref), "status.conditions[Ready]", short(f"{ready.reason}: {ready.message}")))
        issuer_ref = cert.spec.issuer_ref
        kind = "ClusterIssuer" if issuer_ref.kind == "ClusterIssuer" else "Issuer"
        issuer = ObjectRef(kind, "" if kind == "ClusterIssuer" else ref.namespace, issuer_ref.name)
        found = ctx.snapshot.get(issuer)
        requires: list[ObjectRef] = []
        if isinstance(found, Issuer):
            icond = condition(found.status.conditions, "Ready")
            if icond is not None and icond.status == "True":
                evidence.append(
                    Evidence(
                        str(issuer),
                        "status.conditions[Ready]",
                        f"Ready since {icond.last_transition_time}: the cause has recovered, only the backoff remains",
                    )
                )
            else:
                requires.append(issuer)
        waiting = retry_at >= ctx.now
        yield ctx.finding(
            RULE,
            ref,
            f"Certificate {ref.namespace}/{ref.name} failed issuance {attempts} time(s); cert-manager retries at "
            f"{format_time(retry_at)}" + ("" if waiting else " (overdue)"),
            evidence=evidence,
            requires=requires,
            explains_refs=[ObjectRef("Secret", ref.namespace, cert.spec.secret_name)] if cert.spec.secret_name else [],
            since=failed_at,
            self_healing=True if waiting else None,
            heals_at=retry_at if waiting else None,
        )


RULE = Rule(
    id="certmanager/issuance-backoff",
    title="Certificate issuance in backoff",
    severity=Severity.MEDIUM,
    layer=LAYER_GITOPS,
    kinds=("Certificate", "Issuer", "ClusterIssuer"),
    check=check,
    module=__name__,
    fix="Wait for the retry at healsAt, or once the issuer is Ready trigger it now: `cmctl renew NAME -n NS` "
    "(or delete the failed CertificateRequest). Verify: `kubectl get certificate -n NS NAME -w`.",
    docs=(
        "https://cert-manager.io/docs/reference/api-docs/#cert-manager.io/v1.CertificateStatus",
        "https://cert-manager.io/docs/reference/cmctl/#renew",
    ),
)
