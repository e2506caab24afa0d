"""talos/cilium-values-incompatible — (predicted) Cilium values Talos cannot run.

What it detects:
    In a repository with Talos machine configuration: Cilium Helm values (HelmRelease, helmfile release,
    Argo CD Application) that keep the chart's `SYS_MODULE` capability (no `securityContext.capabilities.
    ciliumAgent`/`cleanCiliumState` override and not `securityContext.privileged: true`), auto-mount the cgroup
    (`cgroup.autoMount.enabled` not false) or use another `cgroup.hostRoot` than `/sys/fs/cgroup`; and a Talos
    config whose `cluster.network.cni.name` is not `none` while Cilium is deployed. Values the linter does not
    resolve are not judged.

Why it matters:
    Talos forbids loading kernel modules from workloads: containerd refuses to start the agent
    (`unable to apply caps: operation not permitted`), nodes stay NotReady, and a second CNI (flannel,
    Talos's default) fights Cilium over pod networking.

Example:
    A HelmRelease for cilium with only `kubeProxyReplacement`, `k8sServiceHost` and `k8sServicePort`.

Fix:
    Use the Talos values: `securityContext.capabilities.ciliumAgent={CHOWN,KILL,NET_ADMIN,NET_RAW,IPC_LOCK,
    SYS_ADMIN,SYS_RESOURCE,DAC_OVERRIDE,FOWNER,SETGID,SETUID}`, `cleanCiliumState={NET_ADMIN,SYS_ADMIN,
    SYS_RESOURCE}`, `cgroup.autoMount.enabled=false`, `cgroup.hostRoot=/sys/fs/cgroup`; Talos `cni.name: none`.

References:
    https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium
"""

from __future__ import annotations

from collections.abc import Iterator

from firstdomino.lint.finding import LintFinding
from firstdomino.lint.helm import flat, releases
from firstdomino.lint.rule import LintRule
from firstdomino.model.repo import Repository
from firstdomino.model.severity import Severity


def check(repo: Repository) -> Iterator[LintFinding]:
    talos = list(repo.of("TalosConfig"))
    if not talos:
        return
    cilium = [r for r in releases(repo) if r.chart == "cilium"]
    for release in cilium:
        if release.values_unknown:
            continue
        values = flat(release.values)
        problems = []
        privileged = str(values.get("securityContext.privileged", "")).lower() == "true"
        agent_caps = values.get("securityContext.capabilities.ciliumAgent")
        if not privileged and (agent_caps is None or "SYS_MODULE" in str(agent_caps)):
            problems.append("the agent keeps SYS_MODULE (set securityContext.capabilities.ciliumAgent)")
        clean_caps = values.get("securityContext.capabilities.cleanCiliumState")
        if not privileged and (clean_caps is None or "SYS_MODULE" in str(clean_caps)):
            problems.append("clean-cilium-state keeps SYS_MODULE (set securityContext.capabilities.cleanCiliumState)")
        if str(values.get("cgroup.autoMount.enabled", "true")).lower() != "false":
            problems.append("cgroup.autoMount.enabled is not false")
        if values.get("cgroup.hostRoot", "/run/cilium/cgroupv2") != "/sys/fs/cgroup":
            problems.append("cgroup.hostRoot is not /sys/fs/cgroup")
        if problems:
            yield RULE.finding(
                release.doc,
                f"Cilium values of {release.deployer} release `{release.release}` do not "
                f"fit Talos: {'; '.join(problems)}",
                related=talos[:1],
            )
    for doc in talos:
        name = doc.get("cluster", "network", "cni", "name")
        if cilium and isinstance(name, str) and name not in ("none", "custom"):
            yield RULE.finding(
                doc,
                f"Talos cluster.network.cni.name is `{name}` while Cilium is deployed: two CNIs",
                line=doc.line_of("cluster", "network", "cni"),
                related=[cilium[0].doc],
            )


RULE = LintRule(
    id="talos/cilium-values-incompatible",
    title="Cilium values Talos cannot run (predicted)",
    severity=Severity.HIGH,
    check=check,
    module=__name__,
    fix="Use the Talos Cilium values (capabilities without SYS_MODULE, cgroup.autoMount.enabled=false, "
    "cgroup.hostRoot=/sys/fs/cgroup) and Talos cluster.network.cni.name: none.",
    docs=("https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium",),
)
