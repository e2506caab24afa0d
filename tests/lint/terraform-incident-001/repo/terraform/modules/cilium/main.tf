resource "helm_release" "cilium" {
  name       = "cilium"
  repository = "https://helm.cilium.io"
  chart      = "cilium"
  version    = "1.18.3"
  namespace  = "kube-system"

  set {
    name  = "kubeProxyReplacement"
    value = "true"
  }
  set {
    name  = "k8sServiceHost"
    value = "localhost"
  }
  set {
    name  = "k8sServicePort"
    value = "7445"
  }
}

# the incident's "fix": allow-all policies applied with the cluster
resource "kubectl_manifest" "kube_system_allow_all_egress" {
  yaml_body = <<-YAML
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: allow-all-egress
      namespace: kube-system
    spec:
      podSelector: {}
      policyTypes:
      - Egress
      egress:
      - {}
  YAML
  depends_on = [helm_release.cilium]
}

resource "kubectl_manifest" "cert_manager_allow_all_ingress" {
  yaml_body = <<-YAML
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: allow-all-ingress
      namespace: cert-manager
    spec:
      podSelector: {}
      policyTypes:
      - Ingress
      ingress:
      - {}
  YAML
}

resource "talos_machine_configuration_apply" "cp" {
  client_configuration        = var.client_configuration
  machine_configuration_input = var.machine_configuration
  node                        = "192.168.111.162"
  config_patches = [
    <<-EOT
    cluster:
      network:
        cni:
          name: none
      proxy:
        disabled: true
    EOT
  ]
}
