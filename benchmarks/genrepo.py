"""Generate a synthetic GitOps repository: `python benchmarks/genrepo.py OUT --files 5000 [--seed 1]`.

Flux Kustomizations (ks.yaml per app with dependsOn), HelmReleases with values, plain manifests
(Deployment, Service, ConfigMap with block scalars, Ingress, NetworkPolicy), Argo CD Applications, and a
kustomization.yaml per folder — multi-document files with comments and flow maps, like real repositories.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

APP = """---
# {name}: application manifests
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {ns}
  labels: {{app.kubernetes.io/name: {name}, app.kubernetes.io/part-of: {group}}}
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app.kubernetes.io/name: {name}}}
  template:
    metadata:
      labels: {{app.kubernetes.io/name: {name}}}
    spec:
      containers:
        - name: app
          image: ghcr.io/example/{name}:{version}
          ports: [{{containerPort: 8080, name: http}}]
          env:
            - {{name: LOG_LEVEL, value: info}}
            - name: TOKEN
              valueFrom: {{secretKeyRef: {{name: {name}-secret, key: token}}}}
          resources: {{requests: {{cpu: 10m, memory: 64Mi}}, limits: {{memory: 256Mi}}}}
---
apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: {ns}}}
spec:
  selector: {{app.kubernetes.io/name: {name}}}
  ports: [{{name: http, port: 80, targetPort: http}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: {name}-config, namespace: {ns}}}
data:
  config.yaml: |
    server:
      port: 8080
      timeout: 30s
    features: [a, b, c]
"""

HELMRELEASE = """---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: {name}
  namespace: {ns}
spec:
  interval: 1h
  chart:
    spec:
      chart: {chart}
      version: {version}
      sourceRef: {{kind: HelmRepository, name: {chart}, namespace: flux-system}}
  install: {{remediation: {{retries: 3}}}}
  values:
    fullnameOverride: {name}
    replicaCount: {replicas}
    ingress:
      enabled: true
      hosts: [{{host: {name}.example.com, paths: [{{path: /, pathType: Prefix}}]}}]
    resources: {{requests: {{cpu: 10m, memory: 64Mi}}}}
"""

KS = """---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: {name}
  namespace: flux-system
spec:
  interval: 1h
  path: ./apps/{group}/{name}/app
  prune: true
  sourceRef: {{kind: GitRepository, name: flux-system}}
  targetNamespace: {ns}
  dependsOn: [{{name: {dep}}}]
"""

ARGO = """---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {name}
  namespace: argocd
  annotations: {{argocd.argoproj.io/sync-wave: "{wave}"}}
spec:
  project: default
  source: {{repoURL: https://github.com/example/fleet, path: apps/{group}/{name}/app, targetRevision: main}}
  destination: {{server: https://kubernetes.default.svc, namespace: {ns}}}
  syncPolicy: {{automated: {{prune: true, selfHeal: true}}, retry: {{limit: -1}}}}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    written = 0
    app = 0
    previous = "infrastructure"
    while written < args.files:
        group = f"group-{app // 20:03d}"
        name = f"app-{app:05d}"
        ns = f"ns-{app // 10:04d}"
        folder = args.out / "apps" / group / name
        (folder / "app").mkdir(parents=True, exist_ok=True)
        fields = dict(
            name=name,
            ns=ns,
            group=group,
            replicas=rng.randint(1, 3),
            version=f"1.{rng.randint(0, 9)}.0",
            chart=rng.choice(["podinfo", "redis", "nginx", "postgresql"]),
            dep=previous,
            wave=rng.randint(0, 5),
        )
        (folder / "ks.yaml").write_text(KS.format(**fields))
        (folder / "app" / "manifests.yaml").write_text(APP.format(**fields))
        (folder / "app" / "helmrelease.yaml").write_text(HELMRELEASE.format(**fields))
        (folder / "app" / "application.yaml").write_text(ARGO.format(**fields))
        (folder / "app" / "kustomization.yaml").write_text(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
            "resources: [manifests.yaml, helmrelease.yaml]\n"
        )
        written += 5
        previous = name
        app += 1
    print(f"{written} files in {args.out}")


if __name__ == "__main__":
    main()
