"""The explicit lint rule registry."""

from __future__ import annotations

from firstdomino.lint.rule import LintRule
from firstdomino.lint.rules import (
    argocd_waves_without_app_health,
    chart_version_drift,
    cilium_kpr_service_host,
    cilium_policy_never,
    cni_no_service_proxy,
    divergent_dual_management,
    flux_dependency_cycle,
    flux_dependency_missing,
    flux_healthcheck_unmanaged,
    netpol_allow_all,
    netpol_dns_egress,
    order_certificate_before_issuer,
    order_cr_before_crd,
    order_webhook_bootstrap_cycle,
    talos_cilium_values,
)

LINT_RULES: tuple[LintRule, ...] = (
    divergent_dual_management.RULE,
    chart_version_drift.RULE,
    flux_dependency_missing.RULE,
    flux_dependency_cycle.RULE,
    cilium_policy_never.RULE,
    cilium_kpr_service_host.RULE,
    cni_no_service_proxy.RULE,
    netpol_allow_all.RULE,
    order_certificate_before_issuer.RULE,
    order_cr_before_crd.RULE,
    order_webhook_bootstrap_cycle.RULE,
    argocd_waves_without_app_health.RULE,
    flux_healthcheck_unmanaged.RULE,
    netpol_dns_egress.RULE,
    talos_cilium_values.RULE,
)

LINT_BY_ID: dict[str, LintRule] = {rule.id: rule for rule in LINT_RULES}
