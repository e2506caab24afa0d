"""The explicit rule registry: one line per rule, in no particular order (the runner orders findings).
A new rule costs one module in `diagnose/rules/`, one line here and one fixture folder.
"""

from __future__ import annotations

from firstdomino.diagnose.rule import Rule
from firstdomino.diagnose.rules import (
    apiserver_unreachable,
    argocd_sync_failed,
    bootstrap_secret_chain,
    certmanager_backoff,
    cilium_kpr_service_host,
    client_stale_kubeconfig,
    cni_agent_not_ready,
    cni_no_service_proxy,
    controlplane_unhealthy,
    dns_unavailable,
    flux_reconcile_failed,
    gitops_dual_ownership,
    netpol_allow_all,
    netpol_dns_egress,
    node_not_ready,
    pod_crash_looping,
    pod_image_pull,
    pod_missing_config,
    pod_unschedulable,
    service_no_ready_backends,
    service_selector_nothing,
    status_stale_error,
    talos_cilium_values,
    webhook_fail_closed,
    workload_create_failed,
)

RULES: tuple[Rule, ...] = (
    cni_agent_not_ready.RULE,
    cni_no_service_proxy.RULE,
    cilium_kpr_service_host.RULE,
    talos_cilium_values.RULE,
    service_no_ready_backends.RULE,
    service_selector_nothing.RULE,
    dns_unavailable.RULE,
    apiserver_unreachable.RULE,
    webhook_fail_closed.RULE,
    bootstrap_secret_chain.RULE,
    gitops_dual_ownership.RULE,
    flux_reconcile_failed.RULE,
    argocd_sync_failed.RULE,
    status_stale_error.RULE,
    netpol_dns_egress.RULE,
    netpol_allow_all.RULE,
    certmanager_backoff.RULE,
    pod_image_pull.RULE,
    pod_unschedulable.RULE,
    pod_crash_looping.RULE,
    pod_missing_config.RULE,
    node_not_ready.RULE,
    controlplane_unhealthy.RULE,
    workload_create_failed.RULE,
    client_stale_kubeconfig.RULE,
)

BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
