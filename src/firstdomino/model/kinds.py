"""Typed, partial views of the Kubernetes kinds the rules read.

Each view is a frozen msgspec Struct holding only the fields a rule or an edge builder needs: decoding
skips everything else, which is what makes a 150,000-pod snapshot fit in memory and time (see
docs/performance.md). Every field has a default, so missing fields never fail a decode; a field of the
wrong type is removed by the lenient decoder (`model.decode`) and reported as an input problem.

Secret views carry metadata and type only: Secret data is never decoded, stored or written.
"""

from __future__ import annotations

from typing import Any

import msgspec

_F = msgspec.field


class View(msgspec.Struct, frozen=True, gc=False, rename="camel", omit_defaults=True):
    """Base of every view: frozen, no GC tracking, camelCase on the wire."""


# --------------------------------------------------------------------------- metadata
class OwnerReference(View, frozen=True):
    kind: str = ""
    name: str = ""
    uid: str = ""
    controller: bool = False


class ManagedField(View, frozen=True):
    manager: str = ""
    operation: str = ""
    time: str | None = None


class ObjectMeta(View, frozen=True):
    """Lean metadata, for the kinds that come in bulk (pods, events, slices)."""

    name: str = ""
    namespace: str = ""
    uid: str = ""
    generation: int = 0
    creation_timestamp: str | None = None
    deletion_timestamp: str | None = None
    labels: dict[str, str] = _F(default_factory=dict)
    owner_references: list[OwnerReference] = _F(default_factory=list)


class FullMeta(ObjectMeta, frozen=True):
    """Metadata with annotations and managedFields (managers only), for the kinds whose ownership
    (Helm release annotations, field managers) the rules read."""

    annotations: dict[str, str] = _F(default_factory=dict)
    managed_fields: list[ManagedField] = _F(default_factory=list)


class Condition(View, frozen=True):
    type: str = ""
    status: str = ""
    reason: str = ""
    message: str = ""
    last_transition_time: str | None = None
    observed_generation: int = 0


class LabelSelectorRequirement(View, frozen=True):
    key: str = ""
    operator: str = ""
    values: list[str] = _F(default_factory=list)


class LabelSelector(View, frozen=True):
    match_labels: dict[str, str] = _F(default_factory=dict)
    match_expressions: list[LabelSelectorRequirement] = _F(default_factory=list)


class Object(View, frozen=True):
    """Any object: the fallback view for kinds no rule reads (metadata only)."""

    api_version: str = ""
    kind: str = ""
    metadata: ObjectMeta = _F(default_factory=ObjectMeta)


# --------------------------------------------------------------------------- pods
class NameRef(View, frozen=True):
    name: str = ""
    optional: bool | None = None


class KeyRef(View, frozen=True):
    name: str = ""
    key: str = ""
    optional: bool | None = None


class EnvVarSource(View, frozen=True):
    secret_key_ref: KeyRef | None = None
    config_map_key_ref: KeyRef | None = None


class EnvVar(View, frozen=True):
    name: str = ""
    value: str | None = None
    value_from: EnvVarSource | None = None


class EnvFromSource(View, frozen=True):
    secret_ref: NameRef | None = None
    config_map_ref: NameRef | None = None


class Capabilities(View, frozen=True):
    add: list[str] = _F(default_factory=list)
    drop: list[str] = _F(default_factory=list)


class SecurityContext(View, frozen=True):
    capabilities: Capabilities | None = None
    privileged: bool | None = None


class Container(View, frozen=True):
    name: str = ""
    image: str = ""
    env: list[EnvVar] = _F(default_factory=list)
    env_from: list[EnvFromSource] = _F(default_factory=list)
    security_context: SecurityContext | None = None


class SecretVolumeSource(View, frozen=True):
    secret_name: str = ""
    optional: bool | None = None


class ProjectionSource(View, frozen=True):
    secret: NameRef | None = None
    config_map: NameRef | None = None


class ProjectedVolumeSource(View, frozen=True):
    sources: list[ProjectionSource] = _F(default_factory=list)


class Volume(View, frozen=True):
    name: str = ""
    secret: SecretVolumeSource | None = None
    config_map: NameRef | None = None
    projected: ProjectedVolumeSource | None = None


class Toleration(View, frozen=True):
    key: str = ""
    operator: str = ""
    value: str = ""
    effect: str = ""


class PodSpec(View, frozen=True):
    node_name: str = ""
    containers: list[Container] = _F(default_factory=list)
    init_containers: list[Container] = _F(default_factory=list)
    volumes: list[Volume] = _F(default_factory=list)
    service_account_name: str = ""
    dns_policy: str = ""
    host_network: bool = False
    image_pull_secrets: list[NameRef] = _F(default_factory=list)
    tolerations: list[Toleration] = _F(default_factory=list)


class StateWaiting(View, frozen=True):
    reason: str = ""
    message: str = ""


class StateRunning(View, frozen=True):
    started_at: str | None = None


class StateTerminated(View, frozen=True):
    exit_code: int = 0
    reason: str = ""
    message: str = ""
    started_at: str | None = None
    finished_at: str | None = None


class ContainerState(View, frozen=True):
    waiting: StateWaiting | None = None
    running: StateRunning | None = None
    terminated: StateTerminated | None = None


class ContainerStatus(View, frozen=True):
    name: str = ""
    ready: bool = False
    restart_count: int = 0
    state: ContainerState = _F(default_factory=ContainerState)
    last_state: ContainerState = _F(default_factory=ContainerState)


class PodStatus(View, frozen=True):
    phase: str = ""
    reason: str = ""
    message: str = ""
    pod_ip: str = ""
    conditions: list[Condition] = _F(default_factory=list)
    container_statuses: list[ContainerStatus] = _F(default_factory=list)
    init_container_statuses: list[ContainerStatus] = _F(default_factory=list)


class PodSpecSummary(View, frozen=True):
    """What every pod needs for the graph and the health checks; the rest is in `Pod.detail`."""

    node_name: str = ""
    service_account_name: str = ""
    dns_policy: str = ""
    host_network: bool = False


class Pod(Object, frozen=True):
    """A pod. `detail` (containers, volumes, pull Secrets) is decoded only for pods that are not
    healthy: a healthy pod's containers never explain anything, and decoding them for every pod of a
    large cluster costs more than everything else together (docs/performance.md)."""

    spec: PodSpecSummary = _F(default_factory=PodSpecSummary)
    status: PodStatus = _F(default_factory=PodStatus)
    detail: PodSpec | None = None


class FullPod(Object, frozen=True):
    """Decode-only: a pod with its whole spec, turned into a `Pod` by `model.decode.finish_pod`."""

    spec: PodSpec = _F(default_factory=PodSpec)
    status: PodStatus = _F(default_factory=PodStatus)


# --------------------------------------------------------------------------- nodes
class Taint(View, frozen=True):
    key: str = ""
    value: str = ""
    effect: str = ""


class NodeSpec(View, frozen=True):
    pod_cidr: str = ""
    pod_cidrs: list[str] = _F(default_factory=list)
    taints: list[Taint] = _F(default_factory=list)
    unschedulable: bool = False


class NodeAddress(View, frozen=True):
    type: str = ""
    address: str = ""


class NodeInfo(View, frozen=True):
    kubelet_version: str = ""
    os_image: str = ""
    kernel_version: str = ""
    container_runtime_version: str = ""


class NodeStatus(View, frozen=True):
    conditions: list[Condition] = _F(default_factory=list)
    addresses: list[NodeAddress] = _F(default_factory=list)
    node_info: NodeInfo = _F(default_factory=NodeInfo)


class Node(Object, frozen=True):
    spec: NodeSpec = _F(default_factory=NodeSpec)
    status: NodeStatus = _F(default_factory=NodeStatus)


# --------------------------------------------------------------------------- services
class ServicePort(View, frozen=True):
    name: str = ""
    port: int = 0
    protocol: str = "TCP"
    target_port: int | str | None = None


class ServiceSpec(View, frozen=True):
    type: str = "ClusterIP"
    cluster_ip: str = _F(default="", name="clusterIP")
    cluster_ips: list[str] = _F(default_factory=list, name="clusterIPs")
    selector: dict[str, str] | None = None
    ports: list[ServicePort] = _F(default_factory=list)
    publish_not_ready_addresses: bool = False
    external_name: str = ""


class Service(Object, frozen=True):
    metadata: FullMeta = _F(default_factory=FullMeta)
    spec: ServiceSpec = _F(default_factory=ServiceSpec)


class TargetRef(View, frozen=True):
    kind: str = ""
    name: str = ""
    namespace: str = ""


class EndpointConditions(View, frozen=True):
    ready: bool | None = None
    serving: bool | None = None
    terminating: bool | None = None


class Endpoint(View, frozen=True):
    addresses: list[str] = _F(default_factory=list)
    conditions: EndpointConditions = _F(default_factory=EndpointConditions)
    target_ref: TargetRef | None = None
    node_name: str = ""


class EndpointPort(View, frozen=True):
    name: str | None = None
    port: int | None = None
    protocol: str = "TCP"


class EndpointSlice(Object, frozen=True):
    address_type: str = ""
    endpoints: list[Endpoint] | None = None
    ports: list[EndpointPort] | None = None


class EndpointAddress(View, frozen=True):
    ip: str = ""
    target_ref: TargetRef | None = None


class EndpointSubset(View, frozen=True):
    addresses: list[EndpointAddress] = _F(default_factory=list)
    not_ready_addresses: list[EndpointAddress] = _F(default_factory=list)


class Endpoints(Object, frozen=True):
    subsets: list[EndpointSubset] = _F(default_factory=list)


# --------------------------------------------------------------------------- workloads
class PodTemplateMeta(View, frozen=True):
    labels: dict[str, str] = _F(default_factory=dict)
    annotations: dict[str, str] = _F(default_factory=dict)


class PodTemplate(View, frozen=True):
    """A lean pod template: labels and the pod-level settings; containers only on DaemonSets."""

    metadata: PodTemplateMeta = _F(default_factory=PodTemplateMeta)
    spec: PodSpecSummary = _F(default_factory=PodSpecSummary)


class FullPodTemplate(PodTemplate, frozen=True):
    spec: PodSpec = _F(default_factory=PodSpec)  # type: ignore[assignment]


class WorkloadSpec(View, frozen=True):
    replicas: int | None = None
    selector: LabelSelector | None = None
    template: PodTemplate = _F(default_factory=PodTemplate)


class FullWorkloadSpec(WorkloadSpec, frozen=True):
    template: FullPodTemplate = _F(default_factory=FullPodTemplate)


class WorkloadStatus(View, frozen=True):
    observed_generation: int = 0
    replicas: int = 0
    ready_replicas: int = 0
    available_replicas: int = 0
    updated_replicas: int = 0
    unavailable_replicas: int = 0
    desired_number_scheduled: int = 0
    current_number_scheduled: int = 0
    number_ready: int = 0
    number_available: int = 0
    number_unavailable: int = 0
    updated_number_scheduled: int = 0
    conditions: list[Condition] = _F(default_factory=list)


class Workload(Object, frozen=True):
    """Deployment, DaemonSet, StatefulSet and ReplicaSet share this view."""

    metadata: FullMeta = _F(default_factory=FullMeta)

    spec: WorkloadSpec = _F(default_factory=WorkloadSpec)
    status: WorkloadStatus = _F(default_factory=WorkloadStatus)


class DaemonSet(Workload, frozen=True):
    """DaemonSets keep their containers (env, capabilities): the CNI rules read them. Other workloads'
    containers are not decoded: a 150,000-pod cluster has as many ReplicaSet templates."""

    spec: FullWorkloadSpec = _F(default_factory=FullWorkloadSpec)


# --------------------------------------------------------------------------- events, config
class EventSource(View, frozen=True):
    component: str = ""
    host: str = ""


class EventSeries(View, frozen=True):
    count: int = 0
    last_observed_time: str | None = None


class InvolvedObject(View, frozen=True):
    kind: str = ""
    namespace: str = ""
    name: str = ""
    uid: str = ""


class Event(Object, frozen=True):
    """core/v1 Event and events.k8s.io/v1 Event (regarding/note) in one view."""

    involved_object: InvolvedObject | None = None
    regarding: InvolvedObject | None = None
    reason: str = ""
    message: str = ""
    note: str = ""
    type: str = ""
    count: int = 0
    first_timestamp: str | None = None
    last_timestamp: str | None = None
    event_time: str | None = None
    series: EventSeries | None = None
    source: EventSource | None = None
    reporting_controller: str = ""


class ConfigMap(Object, frozen=True):
    metadata: FullMeta = _F(default_factory=FullMeta)
    data: dict[str, str] = _F(default_factory=dict)


class Secret(Object, frozen=True):
    """Metadata and type only. There is deliberately no `data` field: it is never decoded."""

    type: str = ""


class LeaseSpec(View, frozen=True):
    holder_identity: str = ""
    lease_duration_seconds: int = 0
    acquire_time: str | None = None
    renew_time: str | None = None


class Lease(Object, frozen=True):
    spec: LeaseSpec = _F(default_factory=LeaseSpec)


# --------------------------------------------------------------------------- policies
class NetworkPolicySpec(View, frozen=True):
    pod_selector: LabelSelector = _F(default_factory=LabelSelector)
    policy_types: list[str] = _F(default_factory=list)
    ingress: list[dict[str, Any]] | None = None
    egress: list[dict[str, Any]] | None = None


class NetworkPolicy(Object, frozen=True):
    spec: NetworkPolicySpec = _F(default_factory=NetworkPolicySpec)


class CiliumPolicySpec(View, frozen=True):
    endpoint_selector: LabelSelector | None = None
    node_selector: LabelSelector | None = None
    ingress: list[dict[str, Any]] | None = None
    egress: list[dict[str, Any]] | None = None
    ingress_deny: list[dict[str, Any]] | None = None
    egress_deny: list[dict[str, Any]] | None = None
    enable_default_deny: dict[str, bool] | None = None


class CiliumNetworkPolicy(Object, frozen=True):
    """CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy."""

    spec: CiliumPolicySpec | None = None
    specs: list[CiliumPolicySpec] | None = None


# --------------------------------------------------------------------------- admission, aggregation
class ServiceReference(View, frozen=True):
    namespace: str = ""
    name: str = ""
    port: int | None = None
    path: str = ""


class WebhookClientConfig(View, frozen=True):
    service: ServiceReference | None = None
    url: str = ""
    ca_bundle: str = ""


class WebhookRule(View, frozen=True):
    api_groups: list[str] = _F(default_factory=list)
    api_versions: list[str] = _F(default_factory=list)
    resources: list[str] = _F(default_factory=list)
    operations: list[str] = _F(default_factory=list)


class Webhook(View, frozen=True):
    name: str = ""
    client_config: WebhookClientConfig = _F(default_factory=WebhookClientConfig)
    failure_policy: str = "Fail"
    namespace_selector: LabelSelector | None = None
    object_selector: LabelSelector | None = None
    rules: list[WebhookRule] = _F(default_factory=list)
    timeout_seconds: int | None = None


class WebhookConfiguration(Object, frozen=True):
    """ValidatingWebhookConfiguration and MutatingWebhookConfiguration."""

    metadata: FullMeta = _F(default_factory=FullMeta)

    webhooks: list[Webhook] = _F(default_factory=list)


class APIServiceSpec(View, frozen=True):
    service: ServiceReference | None = None
    group: str = ""
    version: str = ""


class Conditioned(View, frozen=True):
    conditions: list[Condition] = _F(default_factory=list)
    observed_generation: int = 0


class APIService(Object, frozen=True):
    spec: APIServiceSpec = _F(default_factory=APIServiceSpec)
    status: Conditioned = _F(default_factory=Conditioned)


# --------------------------------------------------------------------------- cert-manager
class IssuerRef(View, frozen=True):
    name: str = ""
    kind: str = "Issuer"
    group: str = ""


class CertificateSpec(View, frozen=True):
    secret_name: str = ""
    issuer_ref: IssuerRef = _F(default_factory=IssuerRef)
    dns_names: list[str] = _F(default_factory=list)


class CertificateStatus(View, frozen=True):
    conditions: list[Condition] = _F(default_factory=list)
    failed_issuance_attempts: int = 0
    last_failure_time: str | None = None
    not_after: str | None = None
    renewal_time: str | None = None


class Certificate(Object, frozen=True):
    metadata: FullMeta = _F(default_factory=FullMeta)
    spec: CertificateSpec = _F(default_factory=CertificateSpec)
    status: CertificateStatus = _F(default_factory=CertificateStatus)


class CertificateRequestSpec(View, frozen=True):
    issuer_ref: IssuerRef = _F(default_factory=IssuerRef)


class CertificateRequestStatus(View, frozen=True):
    conditions: list[Condition] = _F(default_factory=list)
    failure_time: str | None = None


class CertificateRequest(Object, frozen=True):
    spec: CertificateRequestSpec = _F(default_factory=CertificateRequestSpec)
    status: CertificateRequestStatus = _F(default_factory=CertificateRequestStatus)


class IssuerCA(View, frozen=True):
    secret_name: str = ""


class IssuerSpec(View, frozen=True):
    ca: IssuerCA | None = None
    self_signed: dict[str, Any] | None = None
    acme: dict[str, Any] | None = None


class Issuer(Object, frozen=True):
    """Issuer and ClusterIssuer."""

    metadata: FullMeta = _F(default_factory=FullMeta)

    spec: IssuerSpec = _F(default_factory=IssuerSpec)
    status: Conditioned = _F(default_factory=Conditioned)


# --------------------------------------------------------------------------- Flux
class CrossRef(View, frozen=True):
    kind: str = ""
    name: str = ""
    namespace: str = ""
    api_version: str = ""


class DependsOn(View, frozen=True):
    name: str = ""
    namespace: str = ""


class FluxStatus(View, frozen=True):
    conditions: list[Condition] = _F(default_factory=list)
    observed_generation: int = 0
    last_applied_revision: str = ""
    last_attempted_revision: str = ""
    last_handled_reconcile_at: str = ""


class KustomizationSpec(View, frozen=True):
    interval: str = ""
    retry_interval: str = ""
    timeout: str = ""
    path: str = ""
    source_ref: CrossRef | None = None
    depends_on: list[DependsOn] = _F(default_factory=list)
    health_checks: list[CrossRef] = _F(default_factory=list)
    target_namespace: str = ""
    suspend: bool = False
    wait: bool = False


class Kustomization(Object, frozen=True):
    metadata: FullMeta = _F(default_factory=FullMeta)
    spec: KustomizationSpec = _F(default_factory=KustomizationSpec)
    status: FluxStatus = _F(default_factory=FluxStatus)


class HelmChartTemplateSpec(View, frozen=True):
    chart: str = ""
    version: str = ""
    source_ref: CrossRef | None = None


class HelmChartTemplate(View, frozen=True):
    spec: HelmChartTemplateSpec = _F(default_factory=HelmChartTemplateSpec)


class HelmReleaseSpec(View, frozen=True):
    interval: str = ""
    timeout: str = ""
    release_name: str = ""
    target_namespace: str = ""
    storage_namespace: str = ""
    chart: HelmChartTemplate | None = None
    chart_ref: CrossRef | None = None
    depends_on: list[DependsOn] = _F(default_factory=list)
    suspend: bool = False
    values: dict[str, Any] | None = None


class HelmReleaseHistory(View, frozen=True):
    name: str = ""
    namespace: str = ""
    version: int = 0
    status: str = ""
    chart_name: str = ""
    chart_version: str = ""
    first_deployed: str | None = None
    last_deployed: str | None = None


class HelmReleaseStatus(FluxStatus, frozen=True):
    history: list[HelmReleaseHistory] = _F(default_factory=list)
    storage_namespace: str = ""
    last_attempted_release_action: str = ""
    install_failures: int = 0
    upgrade_failures: int = 0
    failures: int = 0


class HelmRelease(Object, frozen=True):
    metadata: FullMeta = _F(default_factory=FullMeta)
    spec: HelmReleaseSpec = _F(default_factory=HelmReleaseSpec)
    status: HelmReleaseStatus = _F(default_factory=HelmReleaseStatus)


class SourceSpec(View, frozen=True):
    url: str = ""
    interval: str = ""
    secret_ref: NameRef | None = None
    suspend: bool = False


class Source(Object, frozen=True):
    """GitRepository, OCIRepository, HelmRepository, HelmChart and Bucket."""

    metadata: FullMeta = _F(default_factory=FullMeta)

    spec: SourceSpec = _F(default_factory=SourceSpec)
    status: FluxStatus = _F(default_factory=FluxStatus)


# --------------------------------------------------------------------------- Argo CD
class AppSource(View, frozen=True):
    repo_url: str = _F(default="", name="repoURL")
    path: str = ""
    chart: str = ""
    target_revision: str = ""


class AppDestination(View, frozen=True):
    server: str = ""
    name: str = ""
    namespace: str = ""


class RetryPolicy(View, frozen=True):
    limit: int | None = None


class SyncPolicy(View, frozen=True):
    automated: dict[str, Any] | None = None
    retry: RetryPolicy | None = None
    sync_options: list[str] = _F(default_factory=list)


class AppSpec(View, frozen=True):
    project: str = ""
    source: AppSource | None = None
    sources: list[AppSource] = _F(default_factory=list)
    destination: AppDestination = _F(default_factory=AppDestination)
    sync_policy: SyncPolicy | None = None


class SyncStatus(View, frozen=True):
    status: str = ""
    revision: str = ""


class HealthStatus(View, frozen=True):
    status: str = ""
    message: str = ""
    last_transition_time: str | None = None


class ResourceResult(View, frozen=True):
    group: str = ""
    kind: str = ""
    namespace: str = ""
    name: str = ""
    status: str = ""
    message: str = ""
    hook_phase: str = ""
    sync_phase: str = ""


class SyncResult(View, frozen=True):
    revision: str = ""
    resources: list[ResourceResult] = _F(default_factory=list)


class OperationSync(View, frozen=True):
    revision: str = ""


class Operation(View, frozen=True):
    sync: OperationSync | None = None


class OperationState(View, frozen=True):
    operation: Operation | None = None
    phase: str = ""
    message: str = ""
    retry_count: int = 0
    started_at: str | None = None
    finished_at: str | None = None
    sync_result: SyncResult | None = None


class AppCondition(View, frozen=True):
    type: str = ""
    message: str = ""
    last_transition_time: str | None = None


class ResourceStatus(View, frozen=True):
    group: str = ""
    kind: str = ""
    namespace: str = ""
    name: str = ""
    status: str = ""
    health: HealthStatus | None = None


class AppStatus(View, frozen=True):
    sync: SyncStatus = _F(default_factory=SyncStatus)
    health: HealthStatus = _F(default_factory=HealthStatus)
    operation_state: OperationState | None = None
    conditions: list[AppCondition] = _F(default_factory=list)
    resources: list[ResourceStatus] = _F(default_factory=list)
    reconciled_at: str | None = None


class Application(Object, frozen=True):
    metadata: FullMeta = _F(default_factory=FullMeta)
    spec: AppSpec = _F(default_factory=AppSpec)
    status: AppStatus = _F(default_factory=AppStatus)


# --------------------------------------------------------------------------- the kind table
#: (API group, kind) -> view. The group is the part of apiVersion before "/" ("" for core).
VIEWS: dict[tuple[str, str], type[Object]] = {
    ("", "Pod"): FullPod,
    ("", "Node"): Node,
    ("", "Service"): Service,
    ("", "Endpoints"): Endpoints,
    ("", "Event"): Event,
    ("events.k8s.io", "Event"): Event,
    ("", "ConfigMap"): ConfigMap,
    ("", "Secret"): Secret,
    ("", "Namespace"): Object,
    ("discovery.k8s.io", "EndpointSlice"): EndpointSlice,
    ("apps", "Deployment"): Workload,
    ("apps", "DaemonSet"): DaemonSet,
    ("apps", "StatefulSet"): Workload,
    ("apps", "ReplicaSet"): Workload,
    ("coordination.k8s.io", "Lease"): Lease,
    ("networking.k8s.io", "NetworkPolicy"): NetworkPolicy,
    ("cilium.io", "CiliumNetworkPolicy"): CiliumNetworkPolicy,
    ("cilium.io", "CiliumClusterwideNetworkPolicy"): CiliumNetworkPolicy,
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"): WebhookConfiguration,
    ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"): WebhookConfiguration,
    ("apiregistration.k8s.io", "APIService"): APIService,
    ("cert-manager.io", "Certificate"): Certificate,
    ("cert-manager.io", "CertificateRequest"): CertificateRequest,
    ("cert-manager.io", "Issuer"): Issuer,
    ("cert-manager.io", "ClusterIssuer"): Issuer,
    ("kustomize.toolkit.fluxcd.io", "Kustomization"): Kustomization,
    ("helm.toolkit.fluxcd.io", "HelmRelease"): HelmRelease,
    ("source.toolkit.fluxcd.io", "GitRepository"): Source,
    ("source.toolkit.fluxcd.io", "OCIRepository"): Source,
    ("source.toolkit.fluxcd.io", "HelmRepository"): Source,
    ("source.toolkit.fluxcd.io", "HelmChart"): Source,
    ("source.toolkit.fluxcd.io", "Bucket"): Source,
    ("argoproj.io", "Application"): Application,
    ("argoproj.io", "ApplicationSet"): Object,
}

#: kind -> view, for objects whose apiVersion is missing (first group listed wins).
VIEWS_BY_KIND: dict[str, type[Object]] = {}
for (_group, _kind), _view in VIEWS.items():
    VIEWS_BY_KIND.setdefault(_kind, _view)

#: Kinds without a namespace.
CLUSTER_SCOPED = frozenset(
    {
        "Node",
        "Namespace",
        "ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration",
        "APIService",
        "ClusterIssuer",
        "CiliumClusterwideNetworkPolicy",
        "CustomResourceDefinition",
        "ClusterRole",
        "ClusterRoleBinding",
        "PersistentVolume",
        "StorageClass",
        "PriorityClass",
        "CiliumNode",
    }
)


def group_of(api_version: str) -> str:
    """The API group of an apiVersion (`apps/v1` -> `apps`, `v1` -> ``)."""
    return api_version.rpartition("/")[0]


def view_for(api_version: str, kind: str) -> type[Object]:
    """The view type for an object, `Object` for kinds no rule reads."""
    if api_version:
        found = VIEWS.get((group_of(api_version), kind))
        if found is not None:
            return found
    return VIEWS_BY_KIND.get(kind, Object)
