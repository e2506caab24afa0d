# `set = 5` and `config_patches = 7`: TypeError in sources/terraform.py
resource "helm_release" "cilium" {
  name  = "cilium"
  chart = "cilium"
  set   = 5
}

resource "talos_machine_configuration_apply" "cp" {
  config_patches = 7
}

resource "kubectl_manifest" "m" {
  yaml_body = <<-YAML
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: x, annotations: {d: 2025-13-45}}
    data: !!map [a]
  YAML
}
