"""order/webhook-bootstrap-cycle — a fail-closed webhook whose serving certificate must pass that webhook.

What it detects:
    A Validating/MutatingWebhookConfiguration with `failurePolicy: Fail` (the default) whose rules match
    cert-manager Certificates, and whose backing Service selects a workload that mounts (or reads) the Secret
    of one of those Certificates. Creating the Certificate needs the webhook; the webhook's pod needs the
    Certificate's Secret to start.

Why it matters:
    On a fresh cluster the Certificate is rejected (the webhook has no backend), so its Secret never exists,
    so the webhook pod never starts: a deadlock that only a manual step breaks. Incident 000's webhook-gandi
    chain is this shape, made worse by Argo CD giving up on the failed sync.

Example:
    `ValidatingWebhookConfiguration/policy-webhook` (rules: cert-manager.io/certificates, failurePolicy Fail)
    served by `Deployment/policy/webhook`, which mounts Secret `webhook-tls`, produced by
    `Certificate/policy/webhook-tls`.

Fix:
    Exclude the webhook's own namespace (namespaceSelector) or its own Certificates (objectSelector) from
    its rules, or bootstrap its serving certificate without the webhook (a self-signed Secret created by the
    chart, or cert-manager's CA injector with a pre-created Secret).

References:
    https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#avoiding-deadlocks-in-self-hosted-webhooks
    https://cert-manager.io/docs/concepts/webhook/
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from firstdomino.lint.finding import LintFinding
from firstdomino.lint.rule import LintRule
from firstdomino.model.repo import Document, Repository, as_list
from firstdomino.model.severity import Severity

WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet")


def _matches_certificates(rules: Any) -> bool:
    for rule in rules if isinstance(rules, list) else []:
        if not isinstance(rule, Mapping):
            continue
        groups = as_list(rule.get("apiGroups"))
        resources = as_list(rule.get("resources"))
        if any(g in ("cert-manager.io", "*") for g in groups) and any(r in ("certificates", "*") for r in resources):
            return True
    return False


def _secrets_of(workload: Document) -> set[str]:
    spec = workload.get("spec", "template", "spec")
    names: set[str] = set()
    if not isinstance(spec, Mapping):
        return names
    for volume in as_list(spec.get("volumes")):
        if isinstance(volume, Mapping) and isinstance(volume.get("secret"), Mapping):
            name = volume["secret"].get("secretName")
            if isinstance(name, str):
                names.add(name)
    for container in [*as_list(spec.get("containers")), *as_list(spec.get("initContainers"))]:
        for env in as_list(container.get("env")) if isinstance(container, Mapping) else []:
            source = env.get("valueFrom") if isinstance(env, Mapping) else None
            ref = source.get("secretKeyRef") if isinstance(source, Mapping) else None
            if isinstance(ref, Mapping) and isinstance(ref.get("name"), str):
                names.add(ref["name"])
    return names


def check(repo: Repository) -> Iterator[LintFinding]:
    services = {(d.namespace, d.name): d for d in repo.of("Service")}
    workloads = [d for d in repo.of(*WORKLOADS)]
    certificates = {
        (d.namespace, str(d.get("spec", "secretName") or "")): d
        for d in repo.of("Certificate")
        if d.group == "cert-manager.io"
    }
    for config in repo.of("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"):
        for hook in as_list(config.get("webhooks")):
            if not isinstance(hook, Mapping) or str(hook.get("failurePolicy") or "Fail") != "Fail":
                continue
            if not _matches_certificates(hook.get("rules")):
                continue
            ref = hook.get("clientConfig", {}).get("service") if isinstance(hook.get("clientConfig"), Mapping) else None
            if not isinstance(ref, Mapping):
                continue
            service = services.get((str(ref.get("namespace") or ""), str(ref.get("name") or "")))
            if service is None:
                continue
            selector = service.get("spec", "selector")
            if not isinstance(selector, Mapping) or not selector:
                continue
            for workload in workloads:
                labels = workload.get("spec", "template", "metadata", "labels")
                if workload.namespace != service.namespace or not isinstance(labels, Mapping):
                    continue
                if any(labels.get(k) != v for k, v in selector.items()):
                    continue
                for secret in sorted(_secrets_of(workload)):
                    cert = certificates.get((workload.namespace, secret))
                    if cert is None:
                        continue
                    yield RULE.finding(
                        cert,
                        f"Certificate {cert.namespace}/{cert.name} must pass the fail-closed webhook "
                        f"{hook.get('name')} ({config.kind} {config.name}), whose own pods "
                        f"({workload.kind} {workload.name}) need its Secret {secret}: a bootstrap deadlock",
                        related=[config, workload],
                    )


RULE = LintRule(
    id="order/webhook-bootstrap-cycle",
    title="Webhook whose serving certificate needs that webhook",
    severity=Severity.CRITICAL,
    check=check,
    module=__name__,
    fix="Exclude the webhook's own namespace or Certificates from its rules (namespaceSelector/objectSelector), or "
    "bootstrap its serving certificate without it.",
    docs=(
        "https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/"
        "#avoiding-deadlocks-in-self-hosted-webhooks",
        "https://cert-manager.io/docs/concepts/webhook/",
    ),
)
