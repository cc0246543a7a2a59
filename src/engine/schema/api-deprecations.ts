/**
 * Kubernetes API versions that are deprecated or no longer served, per Kubernetes release, with what
 * to use instead. Written from the Kubernetes deprecation policy and migration guide; a new release
 * that retires an API adds a row here (and moves `newestKubernetesVersion`).
 */

/** The newest Kubernetes minor release whose schemas Gitgate ships (kubernetes-models' OpenAPI). */
export const newestKubernetesVersion = "1.36";

interface Retirement {
  apiVersion: string;
  /** Undefined: every kind of that apiVersion. */
  kinds?: readonly string[];
  deprecatedIn: number;
  /** Undefined: deprecated but still served by every release Gitgate knows. */
  removedIn?: number;
  /** The apiVersion (and kind, when it changed) to move to; undefined when nothing replaces it. */
  replacement?: string;
  /** Said instead of a replacement when there is none. */
  note?: string;
}

const workloads = ["Deployment", "DaemonSet", "ReplicaSet", "StatefulSet", "ControllerRevision"];
const rbac = ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"];
const flowControl = ["FlowSchema", "PriorityLevelConfiguration"];
const accessReviews = ["SubjectAccessReview", "LocalSubjectAccessReview", "SelfSubjectAccessReview", "SelfSubjectRulesReview"];

const retirements: readonly Retirement[] = [
  // Served no longer since 1.16.
  { apiVersion: "extensions/v1beta1", kinds: ["Deployment", "DaemonSet", "ReplicaSet"], deprecatedIn: 9, removedIn: 16, replacement: "apps/v1" },
  { apiVersion: "apps/v1beta1", kinds: workloads, deprecatedIn: 9, removedIn: 16, replacement: "apps/v1" },
  { apiVersion: "apps/v1beta2", kinds: workloads, deprecatedIn: 9, removedIn: 16, replacement: "apps/v1" },
  { apiVersion: "extensions/v1beta1", kinds: ["NetworkPolicy"], deprecatedIn: 9, removedIn: 16, replacement: "networking.k8s.io/v1" },
  { apiVersion: "extensions/v1beta1", kinds: ["PodSecurityPolicy"], deprecatedIn: 11, removedIn: 16, note: "Pod Security Admission replaces PodSecurityPolicy" },
  // 1.22.
  { apiVersion: "admissionregistration.k8s.io/v1beta1", kinds: ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"], deprecatedIn: 16, removedIn: 22, replacement: "admissionregistration.k8s.io/v1" },
  { apiVersion: "apiextensions.k8s.io/v1beta1", kinds: ["CustomResourceDefinition"], deprecatedIn: 16, removedIn: 22, replacement: "apiextensions.k8s.io/v1" },
  { apiVersion: "apiregistration.k8s.io/v1beta1", kinds: ["APIService"], deprecatedIn: 19, removedIn: 22, replacement: "apiregistration.k8s.io/v1" },
  { apiVersion: "authentication.k8s.io/v1beta1", kinds: ["TokenReview"], deprecatedIn: 19, removedIn: 22, replacement: "authentication.k8s.io/v1" },
  { apiVersion: "authorization.k8s.io/v1beta1", kinds: accessReviews, deprecatedIn: 19, removedIn: 22, replacement: "authorization.k8s.io/v1" },
  { apiVersion: "certificates.k8s.io/v1beta1", kinds: ["CertificateSigningRequest"], deprecatedIn: 19, removedIn: 22, replacement: "certificates.k8s.io/v1" },
  { apiVersion: "coordination.k8s.io/v1beta1", kinds: ["Lease"], deprecatedIn: 19, removedIn: 22, replacement: "coordination.k8s.io/v1" },
  { apiVersion: "extensions/v1beta1", kinds: ["Ingress"], deprecatedIn: 14, removedIn: 22, replacement: "networking.k8s.io/v1" },
  { apiVersion: "networking.k8s.io/v1beta1", kinds: ["Ingress", "IngressClass"], deprecatedIn: 19, removedIn: 22, replacement: "networking.k8s.io/v1" },
  { apiVersion: "rbac.authorization.k8s.io/v1beta1", kinds: rbac, deprecatedIn: 17, removedIn: 22, replacement: "rbac.authorization.k8s.io/v1" },
  { apiVersion: "scheduling.k8s.io/v1beta1", kinds: ["PriorityClass"], deprecatedIn: 14, removedIn: 22, replacement: "scheduling.k8s.io/v1" },
  { apiVersion: "storage.k8s.io/v1beta1", kinds: ["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"], deprecatedIn: 19, removedIn: 22, replacement: "storage.k8s.io/v1" },
  // 1.25.
  { apiVersion: "batch/v1beta1", kinds: ["CronJob"], deprecatedIn: 21, removedIn: 25, replacement: "batch/v1" },
  { apiVersion: "discovery.k8s.io/v1beta1", kinds: ["EndpointSlice"], deprecatedIn: 21, removedIn: 25, replacement: "discovery.k8s.io/v1" },
  { apiVersion: "events.k8s.io/v1beta1", kinds: ["Event"], deprecatedIn: 19, removedIn: 25, replacement: "events.k8s.io/v1" },
  { apiVersion: "autoscaling/v2beta1", kinds: ["HorizontalPodAutoscaler"], deprecatedIn: 22, removedIn: 25, replacement: "autoscaling/v2" },
  { apiVersion: "policy/v1beta1", kinds: ["PodDisruptionBudget"], deprecatedIn: 21, removedIn: 25, replacement: "policy/v1" },
  { apiVersion: "policy/v1beta1", kinds: ["PodSecurityPolicy"], deprecatedIn: 21, removedIn: 25, note: "Pod Security Admission replaces PodSecurityPolicy" },
  { apiVersion: "node.k8s.io/v1beta1", kinds: ["RuntimeClass"], deprecatedIn: 20, removedIn: 25, replacement: "node.k8s.io/v1" },
  // 1.26, 1.27, 1.29, 1.32.
  { apiVersion: "autoscaling/v2beta2", kinds: ["HorizontalPodAutoscaler"], deprecatedIn: 23, removedIn: 26, replacement: "autoscaling/v2" },
  { apiVersion: "flowcontrol.apiserver.k8s.io/v1beta1", kinds: flowControl, deprecatedIn: 23, removedIn: 26, replacement: "flowcontrol.apiserver.k8s.io/v1" },
  { apiVersion: "storage.k8s.io/v1beta1", kinds: ["CSIStorageCapacity"], deprecatedIn: 24, removedIn: 27, replacement: "storage.k8s.io/v1" },
  { apiVersion: "flowcontrol.apiserver.k8s.io/v1beta2", kinds: flowControl, deprecatedIn: 26, removedIn: 29, replacement: "flowcontrol.apiserver.k8s.io/v1" },
  { apiVersion: "flowcontrol.apiserver.k8s.io/v1beta3", kinds: flowControl, deprecatedIn: 29, removedIn: 32, replacement: "flowcontrol.apiserver.k8s.io/v1" },
  // Deprecated, still served.
  { apiVersion: "v1", kinds: ["Endpoints", "EndpointsList"], deprecatedIn: 33, replacement: "discovery.k8s.io/v1 EndpointSlice" },
  { apiVersion: "v1", kinds: ["ComponentStatus", "ComponentStatusList"], deprecatedIn: 19, note: "read component health from the components' own endpoints" },
];

export interface ApiVersionVerdict {
  severity: "error" | "warning";
  rule: "schema/removed-api" | "schema/deprecated-api";
  message: string;
  /** True when the API server refuses the object, so validating it against an old schema says nothing. */
  removed: boolean;
}

/** The minor number of a `1.N` version. */
export function minorOf(version: string): number {
  return Number(/^1\.(\d+)$/.exec(version)?.[1] ?? Number.NaN);
}

/**
 * What Kubernetes `target` (`1.N`) says of objects of `apiVersion`/`kind`: removed (an error: the
 * API server rejects them), deprecated (a warning: served, but the next upgrades will break it), or
 * nothing.
 */
export function apiVersionVerdict(apiVersion: string, kind: string, target: string): ApiVersionVerdict | undefined {
  const minor = minorOf(target);
  // A typed list (DeploymentList) lives and dies with its item kind.
  const itemKind = kind.endsWith("List") ? kind.slice(0, -"List".length) : kind;
  const entry = retirements.find(
    (r) => r.apiVersion === apiVersion && (!r.kinds || r.kinds.includes(kind) || r.kinds.includes(itemKind)) && minor >= r.deprecatedIn,
  );
  if (!entry) return undefined;
  const instead = entry.replacement ? `use ${entry.replacement}` : entry.note ?? "it has no replacement";
  if (entry.removedIn !== undefined && minor >= entry.removedIn) {
    return {
      severity: "error",
      rule: "schema/removed-api",
      removed: true,
      message: `${apiVersion} ${kind} was removed in Kubernetes 1.${entry.removedIn}: ${instead} (target: Kubernetes ${target}).`,
    };
  }
  const until = entry.removedIn !== undefined ? ` and is removed in 1.${entry.removedIn}` : "";
  return {
    severity: "warning",
    rule: "schema/deprecated-api",
    removed: false,
    message: `${apiVersion} ${kind} is deprecated since Kubernetes 1.${entry.deprecatedIn}${until}: ${instead}.`,
  };
}
