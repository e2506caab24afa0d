"""Edge builders: each one reads the snapshot (and the shared index) and yields `Edge`s.

Labels: owner, runs-on, cni-agent, mounts-secret, mounts-configmap, pull-secret, selects, backend,
endpoint, webhook-service, apiservice-service, issuer, produces-secret, depends-on, source,
health-check, manages, helm-release, cluster-dns.
"""

from __future__ import annotations

from collections.abc import Iterator

from firstdomino.graph.graph import Edge, EdgeBuilder, LazyBuilder
from firstdomino.graph.index import Index
from firstdomino.model.kinds import (
    APIService,
    Application,
    Certificate,
    EndpointSlice,
    HelmRelease,
    Issuer,
    KeyRef,
    Kustomization,
    NameRef,
    Object,
    Pod,
    PodSpec,
    Service,
    WebhookConfiguration,
)
from firstdomino.model.ref import ObjectRef
from firstdomino.model.snapshot import Snapshot, ref_of

CLUSTER_DNS = ObjectRef("Service", "kube-system", "kube-dns")
KUBERNETES_API = ObjectRef("Service", "default", "kubernetes")


def owner_edges(snapshot: Snapshot, index: Index, ref: ObjectRef, obj: Object) -> Iterator[tuple[ObjectRef, str]]:
    """(lazy, every kind) an object -> its controller owner."""
    owner = index.owner_of(obj)
    if owner is not None:
        yield owner, "owner"


def _needed(source: NameRef | KeyRef | None) -> str:
    """The name a reference needs, or "" when it is absent or optional."""
    return source.name if source is not None and source.name and not source.optional else ""


def pod_spec_refs(namespace: str, spec: PodSpec) -> Iterator[tuple[ObjectRef, str]]:
    """Secrets and ConfigMaps a pod spec needs (volumes, env, envFrom, imagePullSecrets)."""
    wanted: list[tuple[str, str, str]] = []
    for volume in spec.volumes:
        if volume.secret is not None and volume.secret.secret_name and not volume.secret.optional:
            wanted.append(("Secret", volume.secret.secret_name, "mounts-secret"))
        wanted.append(("ConfigMap", _needed(volume.config_map), "mounts-configmap"))
        for source in volume.projected.sources if volume.projected is not None else ():
            wanted.append(("Secret", _needed(source.secret), "mounts-secret"))
            wanted.append(("ConfigMap", _needed(source.config_map), "mounts-configmap"))
    for container in (*spec.init_containers, *spec.containers):
        for env in container.env:
            if env.value_from is not None:
                wanted.append(("Secret", _needed(env.value_from.secret_key_ref), "env-secret"))
                wanted.append(("ConfigMap", _needed(env.value_from.config_map_key_ref), "env-configmap"))
        for env_from in container.env_from:
            wanted.append(("Secret", _needed(env_from.secret_ref), "env-secret"))
            wanted.append(("ConfigMap", _needed(env_from.config_map_ref), "env-configmap"))
    for pull in spec.image_pull_secrets:
        wanted.append(("Secret", pull.name, "pull-secret"))
    for kind, name, label in wanted:
        if name:
            yield ObjectRef(kind, namespace, name), label


def pod_edges(snapshot: Snapshot, index: Index, ref: ObjectRef, pod: Object) -> Iterator[tuple[ObjectRef, str]]:
    """(lazy, pods) node, the CNI agent on it, Secrets/ConfigMaps (pods decoded in detail), cluster DNS."""
    if not isinstance(pod, Pod):
        return
    spec = pod.spec
    if spec.node_name:
        yield ObjectRef("Node", "", spec.node_name), "runs-on"
        agent = index.cni_agents.get(spec.node_name)
        if agent is not None and not spec.host_network and agent != ref:
            yield agent, "cni-agent"
    if pod.detail is not None:
        yield from pod_spec_refs(pod.metadata.namespace, pod.detail)
    if (
        spec.dns_policy in ("", "ClusterFirst") and not spec.host_network
    ) or spec.dns_policy == "ClusterFirstWithHostNet":
        yield CLUSTER_DNS, "cluster-dns"


def service_edges(snapshot: Snapshot, index: Index, ref: ObjectRef, svc: Object) -> Iterator[tuple[ObjectRef, str]]:
    """(lazy, Services) the pods a Service selects and its EndpointSlices."""
    if not isinstance(svc, Service):
        return
    for pod in index.select_pods(svc.metadata.namespace, svc.spec.selector):
        yield ref_of(pod, "Pod"), "selects"
    for sl in index.slices_by_service.get((svc.metadata.namespace, svc.metadata.name), ()):
        yield ref_of(sl, "EndpointSlice"), "backend"


def slice_edges(snapshot: Snapshot, index: Index, ref: ObjectRef, sl: Object) -> Iterator[tuple[ObjectRef, str]]:
    """(lazy, EndpointSlices) the pods an EndpointSlice lists."""
    if not isinstance(sl, EndpointSlice):
        return
    for ep in sl.endpoints or ():
        target = ep.target_ref
        if target is not None and target.kind == "Pod" and target.name:
            yield ObjectRef("Pod", target.namespace or sl.metadata.namespace, target.name), "endpoint"


def admission_edges(snapshot: Snapshot, index: Index) -> Iterator[Edge]:
    for kind in ("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"):
        for obj in snapshot.of(kind):
            if not isinstance(obj, WebhookConfiguration):
                continue
            for hook in obj.webhooks:
                svc = hook.client_config.service
                if svc is not None and svc.name:
                    yield Edge(ref_of(obj, kind), ObjectRef("Service", svc.namespace, svc.name), "webhook-service")
    for obj in snapshot.of("APIService"):
        if isinstance(obj, APIService) and obj.spec.service is not None and obj.spec.service.name:
            svc = obj.spec.service
            yield Edge(ref_of(obj, "APIService"), ObjectRef("Service", svc.namespace, svc.name), "apiservice-service")


def certificate_edges(snapshot: Snapshot, index: Index) -> Iterator[Edge]:
    for cert in snapshot.of("Certificate"):
        if not isinstance(cert, Certificate):
            continue
        ref = ref_of(cert, "Certificate")
        issuer = cert.spec.issuer_ref
        if issuer.name:
            kind = "ClusterIssuer" if issuer.kind == "ClusterIssuer" else "Issuer"
            yield Edge(
                ref, ObjectRef(kind, "" if kind == "ClusterIssuer" else cert.metadata.namespace, issuer.name), "issuer"
            )
        if cert.spec.secret_name:
            yield Edge(ObjectRef("Secret", cert.metadata.namespace, cert.spec.secret_name), ref, "produced-by")
    for kind in ("Issuer", "ClusterIssuer"):
        for obj in snapshot.of(kind):
            if isinstance(obj, Issuer) and obj.spec.ca is not None and obj.spec.ca.secret_name:
                ns = obj.metadata.namespace if kind == "Issuer" else "cert-manager"
                yield Edge(ref_of(obj, kind), ObjectRef("Secret", ns, obj.spec.ca.secret_name), "ca-secret")


def flux_edges(snapshot: Snapshot, index: Index) -> Iterator[Edge]:
    for obj in snapshot.of("Kustomization"):
        if not isinstance(obj, Kustomization):
            continue
        ref = ref_of(obj, "Kustomization")
        ns = obj.metadata.namespace
        for dep in obj.spec.depends_on:
            if dep.name:
                yield Edge(ref, ObjectRef("Kustomization", dep.namespace or ns, dep.name), "depends-on")
        src = obj.spec.source_ref
        if src is not None and src.name:
            yield Edge(ref, ObjectRef(src.kind or "GitRepository", src.namespace or ns, src.name), "source")
        for check in obj.spec.health_checks:
            if check.kind and check.name:
                namespace = check.namespace or obj.spec.target_namespace or ns
                yield Edge(ref, ObjectRef(check.kind, namespace, check.name), "health-check")
    for obj in snapshot.of("HelmRelease"):
        if not isinstance(obj, HelmRelease):
            continue
        ref = ref_of(obj, "HelmRelease")
        ns = obj.metadata.namespace
        for dep in obj.spec.depends_on:
            if dep.name:
                yield Edge(ref, ObjectRef("HelmRelease", dep.namespace or ns, dep.name), "depends-on")
        chart = obj.spec.chart
        src = chart.spec.source_ref if chart is not None else obj.spec.chart_ref
        if src is not None and src.name:
            yield Edge(ref, ObjectRef(src.kind or "HelmRepository", src.namespace or ns, src.name), "source")
    # objects a HelmRelease installed carry helm.toolkit.fluxcd.io/{name,namespace} labels
    for kind in ("Deployment", "DaemonSet", "StatefulSet", "Service", "ConfigMap"):
        for obj in snapshot.of(kind):
            labels = obj.metadata.labels
            name = labels.get("helm.toolkit.fluxcd.io/name")
            if name:
                namespace = labels.get("helm.toolkit.fluxcd.io/namespace", obj.metadata.namespace)
                yield Edge(ref_of(obj, kind), ObjectRef("HelmRelease", namespace, name), "helm-release")


def argocd_edges(snapshot: Snapshot, index: Index) -> Iterator[Edge]:
    for app in snapshot.of("Application"):
        if not isinstance(app, Application):
            continue
        ref = ref_of(app, "Application")
        default_ns = app.spec.destination.namespace
        for res in app.status.resources:
            if res.kind and res.name:
                namespace = res.namespace or ("" if res.kind in _CLUSTER_KINDS else default_ns)
                yield Edge(ObjectRef(res.kind, namespace, res.name), ref, "managed-by")


_CLUSTER_KINDS = frozenset(
    {
        "Namespace",
        "ClusterIssuer",
        "ClusterRole",
        "ClusterRoleBinding",
        "CustomResourceDefinition",
        "ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration",
        "APIService",
    }
)

LAZY_BUILDERS: dict[str, tuple[LazyBuilder, ...]] = {
    "*": (owner_edges,),
    "Pod": (pod_edges,),
    "Service": (service_edges,),
    "EndpointSlice": (slice_edges,),
}
LAZY_LABELS = frozenset(
    {
        "owner",
        "runs-on",
        "cni-agent",
        "mounts-secret",
        "mounts-configmap",
        "env-secret",
        "env-configmap",
        "pull-secret",
        "cluster-dns",
        "selects",
        "backend",
        "endpoint",
    }
)

BUILDERS: tuple[EdgeBuilder, ...] = (
    admission_edges,
    certificate_edges,
    flux_edges,
    argocd_edges,
)
