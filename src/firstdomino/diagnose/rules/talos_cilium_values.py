"""talos/cilium-values-incompatible — Cilium installed with values Talos cannot run.

What it detects:
    On Talos nodes (osImage "Talos"): the Cilium agent or `clean-cilium-state` container asks for the
    `SYS_MODULE` capability (Talos forbids loading kernel modules from workloads; containerd fails with
    `unable to apply caps: operation not permitted`), the cgroup is auto-mounted (`mount-cgroup` init
    container, `cgroup.autoMount.enabled=true`) or `cgroup-root` is not `/sys/fs/cgroup`, or a second CNI
    (kube-flannel, Talos's default when `cluster.network.cni.name` is not `none`) runs beside Cilium.

Why it matters:
    The agents never start (Init:CrashLoopBackOff / StartError), nodes stay NotReady, and the whole
    bootstrap waits. Two CNIs fight over pod networking. None of it heals by itself.

Example:
    clean-cilium-state: `failed to create containerd task: ... unable to apply caps: operation not
    permitted: unknown`, restartCount 7.

Fix:
    Use the Talos values: `securityContext.capabilities.ciliumAgent={CHOWN,KILL,NET_ADMIN,NET_RAW,IPC_LOCK,
    SYS_ADMIN,SYS_RESOURCE,DAC_OVERRIDE,FOWNER,SETGID,SETUID}`, `securityContext.capabilities.cleanCiliumState=
    {NET_ADMIN,SYS_ADMIN,SYS_RESOURCE}`, `cgroup.autoMount.enabled=false`, `cgroup.hostRoot=/sys/fs/cgroup`;
    and Talos `cluster.network.cni.name: none`.

References:
    https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium
    https://github.com/siderolabs/talos/issues/5948
"""

from __future__ import annotations

from collections.abc import Iterator

from firstdomino.diagnose import signatures as sig
from firstdomino.diagnose.common import created, find_cilium, pod_ready
from firstdomino.diagnose.context import Context
from firstdomino.diagnose.finding import Evidence, Finding, Severity
from firstdomino.diagnose.rule import LAYER_CONFIG, Rule
from firstdomino.model.kinds import Node, Workload
from firstdomino.model.snapshot import ref_of


def _on_talos(ctx: Context) -> bool:
    return any(isinstance(n, Node) and "talos" in n.status.node_info.os_image.lower() for n in ctx.snapshot.of("Node"))


def check(ctx: Context) -> Iterator[Finding]:
    if not _on_talos(ctx):
        return
    ds, cm = find_cilium(ctx.snapshot)
    if ds is None:
        return
    ref = ref_of(ds, "DaemonSet")
    evidence: list[Evidence] = []
    spec = ds.spec.template.spec
    for group, containers in (("initContainers", spec.init_containers), ("containers", spec.containers)):
        for container in containers:
            caps = container.security_context.capabilities if container.security_context else None
            if caps is not None and "SYS_MODULE" in caps.add:
                evidence.append(
                    Evidence(
                        str(ref),
                        f"spec.template.spec.{group}[{container.name}].securityContext.capabilities.add",
                        "includes SYS_MODULE",
                    )
                )
            if container.name == "mount-cgroup":
                evidence.append(
                    Evidence(
                        str(ref),
                        f"spec.template.spec.{group}[mount-cgroup]",
                        "cgroup auto-mount is on (cgroup.autoMount.enabled=true)",
                    )
                )
    if cm is not None and cm.data.get("cgroup-root", "/sys/fs/cgroup") != "/sys/fs/cgroup":
        evidence.append(Evidence(str(ref_of(cm, "ConfigMap")), "data.cgroup-root", cm.data["cgroup-root"]))
    for other in ctx.snapshot.of("DaemonSet"):
        if isinstance(other, Workload) and other.metadata.name in ("kube-flannel", "kube-flannel-ds"):
            evidence.append(
                Evidence(
                    str(ref_of(other, "DaemonSet")),
                    "",
                    "Talos default CNI (flannel) runs beside Cilium: cluster.network.cni.name is not none",
                )
            )
    if not evidence:
        return
    pods = ctx.index.pods_of_workload(ref)
    failing = [p for p in pods if not pod_ready(p)]
    caps_error = [e for p in failing[:3] for s, e in ctx.signals(ctx.pod_texts(p)) if s.kind == sig.CAPS]
    evidence += caps_error[:2]
    hazard = not failing
    yield ctx.finding(
        RULE,
        ref,
        "Cilium runs with values Talos does not support"
        + (
            ": the agents cannot start (`unable to apply caps`)"
            if caps_error
            else f"; {len(failing)} agent pod(s) not Ready"
            if failing
            else ""
        ),
        evidence=evidence,
        since=created(ds),
        self_healing=False,
        hazard=hazard,
        severity=Severity.MEDIUM if hazard else Severity.CRITICAL,
        confidence=0.9 if caps_error else 0.7,
    )


RULE = Rule(
    id="talos/cilium-values-incompatible",
    title="Cilium values incompatible with Talos",
    severity=Severity.CRITICAL,
    layer=LAYER_CONFIG,
    kinds=("DaemonSet", "Node"),
    check=check,
    module=__name__,
    fix="Use the Talos Cilium values: capabilities without SYS_MODULE (ciliumAgent={CHOWN,KILL,NET_ADMIN,NET_RAW,"
    "IPC_LOCK,SYS_ADMIN,SYS_RESOURCE,DAC_OVERRIDE,FOWNER,SETGID,SETUID}, cleanCiliumState={NET_ADMIN,SYS_ADMIN,"
    "SYS_RESOURCE}), cgroup.autoMount.enabled=false, cgroup.hostRoot=/sys/fs/cgroup, and Talos "
    "cluster.network.cni.name: none.",
    docs=(
        "https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium",
        "https://github.com/siderolabs/talos/issues/5948",
    ),
)
