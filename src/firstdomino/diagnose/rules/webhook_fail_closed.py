"""webhook/unavailable-fail-closed — an admission webhook with `failurePolicy: Fail` has no backend.

What it detects:
    Validating and mutating webhooks with `failurePolicy: Fail` (the v1 default) whose `clientConfig.service`
    does not exist or has no ready endpoint. The API server calls it from the host network namespace;
    with Cilium's socket LB the call fails immediately with `connect: operation not permitted` /
    `no route to host`, with kube-proxy `connection refused` or `no endpoints available for service`.

Why it matters:
    Every create/update the webhook's rules match is rejected — cert-manager Certificates and Issuers,
    or with Kyverno-style catch-all rules, pods of every ReplicaSet. GitOps syncs fail and, on Argo CD,
    autosync then stops retrying that revision.

Example:
    `failed calling webhook "webhook.cert-manager.io": failed to call webhook: Post
    "https://cert-manager-webhook.cert-manager.svc:443/validate?timeout=30s": dial tcp 10.98.200.162:443:
    connect: operation not permitted`

Fix:
    Make the webhook's Service have a ready backend (see the cascade); keep it fail-closed (do not switch to
    `Ignore`, do not add allow-all policies). Order the bootstrap so nothing creates matching objects before
    the webhook is Ready (Flux `dependsOn` + `wait`, Argo CD Application health for waves). Verify with a
    server-side dry run: `kubectl create --dry-run=server -f OBJECT.yaml`.

References:
    https://cert-manager.io/docs/concepts/webhook/
    https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#failure-policy
"""

from __future__ import annotations

from collections.abc import Iterator

from firstdomino.diagnose.budgets import SERVICE_BACKENDS_BUDGET
from firstdomino.diagnose.common import created, earliest, not_ready_since
from firstdomino.diagnose.context import Context
from firstdomino.diagnose.finding import Evidence, Finding, Severity
from firstdomino.diagnose.rule import LAYER_PLATFORM, Rule
from firstdomino.model.kinds import WebhookConfiguration
from firstdomino.model.ref import ObjectRef
from firstdomino.model.snapshot import ref_of


def check(ctx: Context) -> Iterator[Finding]:
    for kind in ("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"):
        for cfg in ctx.snapshot.of(kind):
            if not isinstance(cfg, WebhookConfiguration):
                continue
            broken: dict[ObjectRef, list[str]] = {}
            evidence: list[Evidence] = []
            for i, hook in enumerate(cfg.webhooks):
                svc_ref_cfg = hook.client_config.service
                if hook.failure_policy != "Fail" or svc_ref_cfg is None or not svc_ref_cfg.name:
                    continue
                svc_ref = ObjectRef("Service", svc_ref_cfg.namespace, svc_ref_cfg.name)
                svc = ctx.index.service(svc_ref.namespace, svc_ref.name)
                if svc is None:
                    if not ctx.snapshot.has_kind("Service"):
                        continue
                    reason = "does not exist"
                else:
                    ready, _total, known = ctx.index.service_backends(svc)
                    if not known or ready > 0:
                        continue
                    reason = "has no ready endpoint"
                broken.setdefault(svc_ref, []).append(hook.name)
                evidence.append(
                    Evidence(
                        str(ref_of(cfg, kind)),
                        f"webhooks[{i}]",
                        f"{hook.name}: failurePolicy Fail, service {svc_ref.namespace}/{svc_ref.name} {reason}",
                    )
                )
            if not broken:
                continue
            pods = []
            for svc_ref in broken:
                svc = ctx.index.service(svc_ref.namespace, svc_ref.name)
                if svc is not None:
                    pods += ctx.index.select_pods(svc_ref.namespace, svc.spec.selector)
            since = earliest(*(not_ready_since(p) for p in pods)) or created(cfg)
            names = sorted({n for hooks in broken.values() for n in hooks})
            yield ctx.finding(
                RULE,
                ref_of(cfg, kind),
                f"admission webhook(s) {', '.join(names)} fail closed with no reachable backend: matching "
                "creates/updates are rejected",
                evidence=evidence,
                requires=list(broken),
                since=since,
                budget=SERVICE_BACKENDS_BUDGET,
                self_healing=None,
            )


RULE = Rule(
    id="webhook/unavailable-fail-closed",
    title="Fail-closed admission webhook unavailable",
    severity=Severity.CRITICAL,
    layer=LAYER_PLATFORM,
    kinds=("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "Service"),
    check=check,
    module=__name__,
    fix="Give the webhook's Service a ready backend (see the cascade) and keep `failurePolicy: Fail`; order the "
    "bootstrap so nothing creates matching objects before the webhook is Ready. Verify with "
    "`kubectl create --dry-run=server -f OBJECT.yaml`.",
    docs=(
        "https://cert-manager.io/docs/concepts/webhook/",
        "https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#failure-policy",
    ),
)
