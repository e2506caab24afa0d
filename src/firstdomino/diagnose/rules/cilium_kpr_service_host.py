"""cilium/kpr-without-k8s-service-host — kube-proxy replacement on, but the agent has no API endpoint.

What it detects:
    `kube-proxy-replacement` is on in `cilium-config` but the Cilium agent (and its `config` init
    container) has no `KUBERNETES_SERVICE_HOST`/`KUBERNETES_SERVICE_PORT` (the chart's `k8sServiceHost`/
    `k8sServicePort`), and no kube-proxy exists to translate the `kubernetes` Service at bootstrap. The
    agent then dials 10.96.0.1:443, which only the agent itself could translate: chicken and egg.

Why it matters:
    The agents sit in Init:CrashLoopBackOff (`Unable to contact k8s api-server ... 10.96.0.1:443: i/o
    timeout`), nodes stay NotReady, CoreDNS stays Pending, and the whole cluster waits. It never heals.

Example:
    cilium-config `kube-proxy-replacement: "true"`, no kube-proxy DaemonSet, the cilium DaemonSet env
    has no KUBERNETES_SERVICE_HOST; pods cilium-xxxxx in Init:CrashLoopBackOff on `config`.

Fix:
    Set the Helm values `k8sServiceHost` and `k8sServicePort` (on Talos: `localhost` and `7445`, KubePrism)
    and re-apply the Cilium release. Verify: `kubectl -n kube-system get ds cilium -o
    jsonpath='{.spec.template.spec.containers[0].env}'` shows KUBERNETES_SERVICE_HOST, then
    `cilium status --wait`.

References:
    https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/
    https://www.talos.dev/v1.11/kubernetes-guides/configuration/kubeprism/
"""

from __future__ import annotations

from collections.abc import Iterator

from firstdomino.diagnose.common import (
    agent_container,
    container_env,
    created,
    find_cilium,
    kpr_enabled,
    pod_ready,
)
from firstdomino.diagnose.context import Context
from firstdomino.diagnose.finding import Evidence, Finding, Severity
from firstdomino.diagnose.rule import LAYER_CONFIG, Rule
from firstdomino.model.kinds import Workload
from firstdomino.model.snapshot import ref_of


def check(ctx: Context) -> Iterator[Finding]:
    ds, cm = find_cilium(ctx.snapshot)
    if ds is None or cm is None or not kpr_enabled(cm):
        return
    agent = agent_container(ds)
    if agent is None:
        return
    host = container_env(agent, "KUBERNETES_SERVICE_HOST") or cm.data.get("k8s-service-host")
    if host:
        return
    kube_proxy = any(isinstance(d, Workload) and d.metadata.name == "kube-proxy" for d in ctx.snapshot.of("DaemonSet"))
    ref = ref_of(ds, "DaemonSet")
    pods = ctx.index.pods_of_workload(ref)
    failing = [p for p in pods if not pod_ready(p)]
    evidence = [
        Evidence(
            str(ref_of(cm, "ConfigMap")), "data.kube-proxy-replacement", cm.data.get("kube-proxy-replacement", "")
        ),
        Evidence(
            str(ref),
            f"spec.template.spec.containers[{agent.name}].env",
            "no KUBERNETES_SERVICE_HOST / KUBERNETES_SERVICE_PORT (Helm k8sServiceHost/k8sServicePort unset)",
        ),
    ]
    if failing:
        evidence.append(Evidence(str(ref), "status", f"{len(failing)} of {len(pods)} agent pod(s) not Ready"))
    hazard = kube_proxy or not failing
    yield ctx.finding(
        RULE,
        ref,
        "Cilium kube-proxy replacement is on but the agent has no k8sServiceHost/k8sServicePort: it dials the "
        "`kubernetes` Service VIP, which nothing translates before the agent runs"
        + (" (works now only because kube-proxy is present)" if kube_proxy else ""),
        evidence=evidence,
        since=created(ds),
        self_healing=False,
        hazard=hazard,
        severity=Severity.MEDIUM if hazard else Severity.CRITICAL,
        confidence=0.9,
    )


RULE = Rule(
    id="cilium/kpr-without-k8s-service-host",
    title="Cilium kube-proxy replacement without an API endpoint",
    severity=Severity.CRITICAL,
    layer=LAYER_CONFIG,
    kinds=("DaemonSet", "ConfigMap"),
    check=check,
    module=__name__,
    fix="Set Cilium Helm values `k8sServiceHost: localhost` and `k8sServicePort: 7445` (Talos KubePrism; "
    "elsewhere the API server's address) and re-apply the release; verify with `cilium status --wait`.",
    docs=(
        "https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/",
        "https://www.talos.dev/v1.11/kubernetes-guides/configuration/kubeprism/",
    ),
)
