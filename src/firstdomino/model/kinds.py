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
class OwnerReference(View):
    kind: str = ""
    name: str = ""
    uid: str = ""
    api_version: str = ""
    controller: bool = False


class ManagedField(View):
    manager: str = ""
    operation: str = ""
    time: str | None = None


class ObjectMeta(View):
    name: str = ""
    namespace: str = ""
    uid: str = ""
    generation: int = 0
    creation_timestamp: str | None = None
    deletion_timestamp: str | None = None
    labels: dict[str, str] = _F(default_factory=dict)
    annotations: dict[str, str] = _F(default_factory=dict)
    owner_references: list[OwnerReference] = _F(default_factory=list)
    managed_fields: list[ManagedField] = _F(default_factory=list)


class Condition(View):
    type: str = ""
    status: str = ""
    reason: str = ""
    message: str = ""
    last_transition_time: str | None = None
    last_update_time: str | None = None
    last_probe_time: str | None = None
    observed_generation: int = 0


class LabelSelectorRequirement(View):
    key: str = ""
    operator: str = ""
    values: list[str] = _F(default_factory=list)


class LabelSelector(View):
    match_labels: dict[str, str] = _F(default_factory=dict)
    match_expressions: list[LabelSelectorRequirement] = _F(default_factory=list)


class Object(View):
    """Any object: the fallback view for kinds no rule reads (metadata only)."""

    api_version: str = ""
    kind: str = ""
    metadata: ObjectMeta = _F(default_factory=ObjectMeta)


# --------------------------------------------------------------------------- pods
class NameRef(View):
    name: str = ""
    optional: bool | None = None


class KeyRef(View):
    name: str = ""
    key: str = ""
    optional: bool | None = None


class EnvVarSource(View):
    secret_key_ref: KeyRef | None = None
    config_map_key_ref: KeyRef | None = None


class EnvVar(View):
    name: str = ""
    value: str | None = None
    value_from: EnvVarSource | None = None


class EnvFromSource(View):
    secret_ref: NameRef | None = None
    config_map_ref: NameRef | None = None


class Capabilities(View):
    add: list[str] = _F(default_factory=list)
    drop: list[str] = _F(default_factory=list)


class SecurityContext(View):
    capabilities: Capabilities | None = None
    privileged: bool | None = None


class Container(View):
    name: str = ""
    image: str = ""
    env: list[EnvVar] = _F(default_factory=list)
    env_from: list[EnvFromSource] = _F(default_factory=list)
    security_context: SecurityContext | None = None


class SecretVolumeSource(View):
    secret_name: str = ""
    optional: bool | None = None


class ProjectionSource(View):
    secret: NameRef | None = None
    config_map: NameRef | None = None


class ProjectedVolumeSource(View):
    sources: list[ProjectionSource] = _F(default_factory=list)


class Volume(View):
    name: str = ""
    secret: SecretVolumeSource | None = None
    config_map: NameRef | None = None
    projected: ProjectedVolumeSource | None = None


class Toleration(View):
    key: str = ""
    operator: str = ""
    value: str = ""
    effect: str = ""


class PodSpec(View):
    node_name: str = ""
    containers: list[Container] = _F(default_factory=list)
    init_containers: list[Container] = _F(default_factory=list)
    volumes: list[Volume] = _F(default_factory=list)
    service_account_name: str = ""
    dns_policy: str = ""
    host_network: bool = False
    image_pull_secrets: list[NameRef] = _F(default_factory=list)
    tolerations: list[Toleration] = _F(default_factory=list)


class StateWaiting(View):
    reason: str = ""
    message: str = ""


class StateRunning(View):
    started_at: str | None = None


class StateTerminated(View):
    exit_code: int = 0
    reason: str = ""
    message: str = ""
    started_at: str | None = None
    finished_at: str | None = None


class ContainerState(View):
    waiting: StateWaiting | None = None
    running: StateRunning | None = None
    terminated: StateTerminated | None = None


class ContainerStatus(View):
    name: str = ""
    ready: bool = False
    started: bool | None = None
    restart_count: int = 0
    image: str = ""
    state: ContainerState = _F(default_factory=ContainerState)
    last_state: ContainerState = _F(default_factory=ContainerState)


class PodStatus(View):
    phase: str = ""
    reason: str = ""
    message: str = ""
    pod_ip: str = ""
    host_ip: str = ""
    start_time: str | None = None
    conditions: list[Condition] = _F(default_factory=list)
    container_statuses: list[ContainerStatus] = _F(default_factory=list)
    init_container_statuses: list[ContainerStatus] = _F(default_factory=list)


class Pod(Object):
    spec: PodSpec = _F(default_factory=PodSpec)
    status: PodStatus = _F(default_factory=PodStatus)


# --------------------------------------------------------------------------- nodes
class Taint(View):
    key: str = ""
    value: str = ""
    effect: str = ""


class NodeSpec(View):
    pod_cidr: str = ""
    pod_cidrs: list[str] = _F(default_factory=list)
    taints: list[Taint] = _F(default_factory=list)
    unschedulable: bool = False


class NodeAddress(View):
    type: str = ""
    address: str = ""


class NodeInfo(View):
    kubelet_version: str = ""
    os_image: str = ""
    kernel_version: str = ""
    container_runtime_version: str = ""


class NodeStatus(View):
    conditions: list[Condition] = _F(default_factory=list)
    addresses: list[NodeAddress] = _F(default_factory=list)
    node_info: NodeInfo = _F(default_factory=NodeInfo)


class Node(Object):
    spec: NodeSpec = _F(default_factory=NodeSpec)
    status: NodeStatus = _F(default_factory=NodeStatus)


# --------------------------------------------------------------------------- services
class ServicePort(View):
    name: str = ""
    port: int = 0
    protocol: str = "TCP"
    target_port: int | str | None = None


class ServiceSpec(View):
    type: str = "ClusterIP"
    cluster_ip: str = _F(default="", name="clusterIP")
    cluster_ips: list[str] = _F(default_factory=list, name="clusterIPs")
    selector: dict[str, str] | None = None
    ports: list[ServicePort] = _F(default_factory=list)
    publish_not_ready_addresses: bool = False
    external_name: str = ""


class Service(Object):
    spec: ServiceSpec = _F(default_factory=ServiceSpec)


class TargetRef(View):
    kind: str = ""
    name: str = ""
    namespace: str = ""


class EndpointConditions(View):
    ready: bool | None = None
    serving: bool | None = None
    terminating: bool | None = None


class Endpoint(View):
    addresses: list[str] = _F(default_factory=list)
    conditions: EndpointConditions = _F(default_factory=EndpointConditions)
    target_ref: TargetRef | None = None
    node_name: str = ""


class EndpointPort(View):
    name: str | None = None
    port: int | None = None
    protocol: str = "TCP"


class EndpointSlice(Object):
    address_type: str = ""
    endpoints: list[Endpoint] | None = None
    ports: list[EndpointPort] | None = None


class EndpointAddress(View):
    ip: str = ""
    target_ref: TargetRef | None = None


class EndpointSubset(View):
    addresses: list[EndpointAddress] = _F(default_factory=list)
    not_ready_addresses: list[EndpointAddress] = _F(default_factory=list)


class Endpoints(Object):
    subsets: list[EndpointSubset] = _F(default_factory=list)


# --------------------------------------------------------------------------- workloads
class PodTemplateMeta(View):
    labels: dict[str, str] = _F(default_factory=dict)
    annotations: dict[str, str] = _F(default_factory=dict)


class PodTemplate(View):
    metadata: PodTemplateMeta = _F(default_factory=PodTemplateMeta)
    spec: PodSpec = _F(default_factory=PodSpec)


class WorkloadSpec(View):
    replicas: int | None = None
    selector: LabelSelector | None = None
    template: PodTemplate = _F(default_factory=PodTemplate)


class WorkloadStatus(View):
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


class Workload(Object):
    """Deployment, DaemonSet, StatefulSet and ReplicaSet share this view."""

    spec: WorkloadSpec = _F(default_factory=WorkloadSpec)
    status: WorkloadStatus = _F(default_factory=WorkloadStatus)


# --------------------------------------------------------------------------- events, config
class EventSource(View):
    component: str = ""
    host: str = ""


class EventSeries(View):
    count: int = 0
    last_observed_time: str | None = None


class InvolvedObject(View):
    kind: str = ""
    namespace: str = ""
    name: str = ""
    uid: str = ""


class Event(Object):
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


class ConfigMap(Object):
    data: dict[str, str] = _F(default_factory=dict)


class Secret(Object):
    """Metadata and type only. There is deliberately no `data` field: it is never decoded."""

    type: str = ""


class LeaseSpec(View):
    holder_identity: str = ""
    lease_duration_seconds: int = 0
    acquire_time: str | None = None
    renew_time: str | None = None


class Lease(Object):
    spec: LeaseSpec = _F(default_factory=LeaseSpec)


# --------------------------------------------------------------------------- policies
class NetworkPolicySpec(View):
    pod_selector: LabelSelector = _F(default_factory=LabelSelector)
    policy_types: list[str] = _F(default_factory=list)
    ingress: list[dict[str, Any]] | None = None
    egress: list[dict[str, Any]] | None = None


class NetworkPolicy(Object):
    spec: NetworkPolicySpec = _F(default_factory=NetworkPolicySpec)


class CiliumPolicySpec(View):
    endpoint_selector: LabelSelector | None = None
    node_selector: LabelSelector | None = None
    ingress: list[dict[str, Any]] | None = None
    egress: list[dict[str, Any]] | None = None
    ingress_deny: list[dict[str, Any]] | None = None
    egress_deny: list[dict[str, Any]] | None = None
    enable_default_deny: dict[str, bool] | None = None


class CiliumNetworkPolicy(Object):
    """CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy."""

    spec: CiliumPolicySpec | None = None
    specs: list[CiliumPolicySpec] | None = None


# --------------------------------------------------------------------------- admission, aggregation
class ServiceReference(View):
    namespace: str = ""
    name: str = ""
    port: int | None = None
    path: str = ""


class WebhookClientConfig(View):
    service: ServiceReference | None = None
    url: str = ""
    ca_bundle: str = ""


class WebhookRule(View):
    api_groups: list[str] = _F(default_factory=list)
    api_versions: list[str] = _F(default_factory=list)
    resources: list[str] = _F(default_factory=list)
    operations: list[str] = _F(default_factory=list)


class Webhook(View):
    name: str = ""
    client_config: WebhookClientConfig = _F(default_factory=WebhookClientConfig)
    failure_policy: str = "Fail"
    namespace_selector: LabelSelector | None = None
    object_selector: LabelSelector | None = None
    rules: list[WebhookRule] = _F(default_factory=list)
    timeout_seconds: int | None = None


class WebhookConfiguration(Object):
    """ValidatingWebhookConfiguration and MutatingWebhookConfiguration."""

    webhooks: list[Webhook] = _F(default_factory=list)


class APIServiceSpec(View):
    service: ServiceReference | None = None
    group: str = ""
    version: str = ""


class Conditioned(View):
    conditions: list[Condition] = _F(default_factory=list)
    observed_generation: int = 0


class APIService(Object):
    spec: APIServiceSpec = _F(default_factory=APIServiceSpec)
    status: Conditioned = _F(default_factory=Conditioned)


# --------------------------------------------------------------------------- cert-manager
class IssuerRef(View):
    name: str = ""
    kind: str = "Issuer"
    group: str = ""


class CertificateSpec(View):
    secret_name: str = ""
    issuer_ref: IssuerRef = _F(default_factory=IssuerRef)
    dns_names: list[str] = _F(default_factory=list)


class CertificateStatus(View):
    conditions: list[Condition] = _F(default_factory=list)
    failed_issuance_attempts: int = 0
    last_failure_time: str | None = None
    not_after: str | None = None
    renewal_time: str | None = None


class Certificate(Object):
    spec: CertificateSpec = _F(default_factory=CertificateSpec)
    status: CertificateStatus = _F(default_factory=CertificateStatus)


class CertificateRequestSpec(View):
    issuer_ref: IssuerRef = _F(default_factory=IssuerRef)


class CertificateRequestStatus(View):
    conditions: list[Condition] = _F(default_factory=list)
    failure_time: str | None = None


class CertificateRequest(Object):
    spec: CertificateRequestSpec = _F(default_factory=CertificateRequestSpec)
    status: CertificateRequestStatus = _F(default_factory=CertificateRequestStatus)


class IssuerCA(View):
    secret_name: str = ""


class IssuerSpec(View):
    ca: IssuerCA | None = None
    self_signed: dict[str, Any] | None = None
    acme: dict[str, Any] | None = None


class Issuer(Object):
    """Issuer and ClusterIssuer."""

    spec: IssuerSpec = _F(default_factory=IssuerSpec)
    status: Conditioned = _F(default_factory=Conditioned)


# --------------------------------------------------------------------------- Flux
class CrossRef(View):
    kind: str = ""
    name: str = ""
    namespace: str = ""
    api_version: str = ""


class DependsOn(View):
    name: str = ""
    namespace: str = ""


class FluxStatus(View):
    conditions: list[Condition] = _F(default_factory=list)
    observed_generation: int = 0
    last_applied_revision: str = ""
    last_attempted_revision: str = ""
    last_handled_reconcile_at: str = ""


class KustomizationSpec(View):
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


class Kustomization(Object):
    spec: KustomizationSpec = _F(default_factory=KustomizationSpec)
    status: FluxStatus = _F(default_factory=FluxStatus)


class HelmChartTemplateSpec(View):
    chart: str = ""
    version: str = ""
    source_ref: CrossRef | None = None


class HelmChartTemplate(View):
    spec: HelmChartTemplateSpec = _F(default_factory=HelmChartTemplateSpec)


class HelmReleaseSpec(View):
    interval: str = ""
    timeout: str = ""
    release_name: str = ""
    target_namespace: str = ""
    storage_namespace: str = ""
    chart: HelmChartTemplate | None = None
    chart_ref: CrossRef | None = None
    depends_on: list[DependsOn] = _F(default_factory=list)
    suspend: bool = False


class HelmReleaseHistory(View):
    name: str = ""
    namespace: str = ""
    version: int = 0
    status: str = ""
    chart_name: str = ""
    chart_version: str = ""
    first_deployed: str | None = None
    last_deployed: str | None = None


class HelmReleaseStatus(FluxStatus):
    history: list[HelmReleaseHistory] = _F(default_factory=list)
    storage_namespace: str = ""
    last_attempted_release_action: str = ""
    install_failures: int = 0
    upgrade_failures: int = 0
    failures: int = 0


class HelmRelease(Object):
    spec: HelmReleaseSpec = _F(default_factory=HelmReleaseSpec)
    status: HelmReleaseStatus = _F(default_factory=HelmReleaseStatus)


class SourceSpec(View):
    url: str = ""
    interval: str = ""
    secret_ref: NameRef | None = None
    suspend: bool = False


class Source(Object):
    """GitRepository, OCIRepository, HelmRepository, HelmChart and Bucket."""

    spec: SourceSpec = _F(default_factory=SourceSpec)
    status: FluxStatus = _F(default_factory=FluxStatus)


# --------------------------------------------------------------------------- Argo CD
class AppSource(View):
    repo_url: str = _F(default="", name="repoURL")
    path: str = ""
    chart: str = ""
    target_revision: str = ""


class AppDestination(View):
    server: str = ""
    name: str = ""
    namespace: str = ""


class RetryPolicy(View):
    limit: int | None = None


class SyncPolicy(View):
    automated: dict[str, Any] | None = None
    retry: RetryPolicy | None = None
    sync_options: list[str] = _F(default_factory=list)


class AppSpec(View):
    project: str = ""
    source: AppSource | None = None
    sources: list[AppSource] = _F(default_factory=list)
    destination: AppDestination = _F(default_factory=AppDestination)
    sync_policy: SyncPolicy | None = None


class SyncStatus(View):
    status: str = ""
    revision: str = ""


class HealthStatus(View):
    status: str = ""
    message: str = ""
    last_transition_time: str | None = None


class ResourceResult(View):
    group: str = ""
    kind: str = ""
    namespace: str = ""
    name: str = ""
    status: str = ""
    message: str = ""
    hook_phase: str = ""
    sync_phase: str = ""


class SyncResult(View):
    revision: str = ""
    resources: list[ResourceResult] = _F(default_factory=list)


class OperationSync(View):
    revision: str = ""


class Operation(View):
    sync: OperationSync | None = None


class OperationState(View):
    operation: Operation | None = None
    phase: str = ""
    message: str = ""
    retry_count: int = 0
    started_at: str | None = None
    finished_at: str | None = None
    sync_result: SyncResult | None = None


class AppCondition(View):
    type: str = ""
    message: str = ""
    last_transition_time: str | None = None


class ResourceStatus(View):
    group: str = ""
    kind: str = ""
    namespace: str = ""
    name: str = ""
    status: str = ""
    health: HealthStatus | None = None


class AppStatus(View):
    sync: SyncStatus = _F(default_factory=SyncStatus)
    health: HealthStatus = _F(default_factory=HealthStatus)
    operation_state: OperationState | None = None
    conditions: list[AppCondition] = _F(default_factory=list)
    resources: list[ResourceStatus] = _F(default_factory=list)
    reconciled_at: str | None = None


class Application(Object):
    spec: AppSpec = _F(default_factory=AppSpec)
    status: AppStatus = _F(default_factory=AppStatus)


# --------------------------------------------------------------------------- the kind table
#: (API group, kind) -> view. The group is the part of apiVersion before "/" ("" for core).
VIEWS: dict[tuple[str, str], type[Object]] = {
    ("", "Pod"): Pod,
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
    ("apps", "DaemonSet"): Workload,
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
