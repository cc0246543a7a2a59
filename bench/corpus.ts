import type { FileChange } from "../src/engine/change-set.js";

/** A realistic service: Deployment, Service, ConfigMap, ServiceAccount and HPA in one file (5 documents). */
function serviceFile(i: number, version: number, replicas: number): string {
  const name = `svc-${i}`;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: team-${i % 20}
  labels: { app.kubernetes.io/name: ${name} }
spec:
  replicas: ${replicas}
  selector:
    matchLabels: { app.kubernetes.io/name: ${name} }
  template:
    metadata:
      labels: { app.kubernetes.io/name: ${name} }
    spec:
      serviceAccountName: ${name}
      securityContext: { runAsNonRoot: true }
      containers:
        - name: app
          image: registry.example.com/${name}:1.${version}.0
          ports: [{ name: http, containerPort: 8080 }]
          env:
            - { name: LOG_LEVEL, value: info }
            - { name: POOL, value: "${i % 7}" }
          resources:
            requests: { cpu: 100m, memory: 128Mi }
            limits: { cpu: 500m, memory: 256Mi }
          readinessProbe: { httpGet: { path: /ready, port: http } }
          livenessProbe: { httpGet: { path: /live, port: http } }
---
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: team-${i % 20} }
spec:
  selector: { app.kubernetes.io/name: ${name} }
  ports: [{ name: http, port: 80, targetPort: http }]
---
apiVersion: v1
kind: ConfigMap
metadata: { name: ${name}-settings, namespace: team-${i % 20} }
data:
  region: eu-west-${i % 3}
  retries: "${(i % 5) + 1}"
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: ${name}, namespace: team-${i % 20} }
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: ${name}, namespace: team-${i % 20} }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: ${name} }
  minReplicas: ${replicas}
  maxReplicas: ${replicas * 4}
  metrics:
    - type: Resource
      resource: { name: cpu, target: { type: Utilization, averageUtilization: 70 } }
`;
}

export const corpusConfig = `version: 1
schemas:
  - files: "clusters/**"
    schema: kubernetes
`;

/** `files` changed files of 5 documents each; every file changes image and replicas between base and head. */
export function generateCorpus(files: number): FileChange[] {
  return Array.from({ length: files }, (_, i) => {
    const before = serviceFile(i, 1, 2);
    const after = serviceFile(i, 2, 3);
    return {
      path: `clusters/cluster-${i % 10}/svc-${i}.yaml`,
      status: "modified" as const,
      before: { kind: "text" as const, text: before, size: before.length },
      after: { kind: "text" as const, text: after, size: after.length },
    };
  });
}
