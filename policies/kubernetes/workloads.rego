# Built-in pack "kubernetes": per-document rules for workloads and services.
# Each result is {rule, msg, pointer}; the pointer is mapped to the offending line.
package builtin.kubernetes

import rego.v1

workload_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}

# The pod template of any workload kind, with the JSON pointer where it sits.
pod := {"spec": input.spec, "pointer": "/spec"} if input.kind == "Pod"

pod := {"spec": input.spec.template.spec, "pointer": "/spec/template/spec"} if input.kind in workload_kinds

pod := {"spec": input.spec.jobTemplate.spec.template.spec, "pointer": "/spec/jobTemplate/spec/template/spec"} if {
	input.kind == "CronJob"
}

# Messages name the container; one without a name is still judged (the schema reports the name).
name(container) := object.get(container, "name", "(unnamed)")

containers contains {"container": container, "pointer": sprintf("%s/%s/%d", [pod.pointer, field, i])} if {
	some field in ["initContainers", "containers", "ephemeralContainers"]
	some i, container in pod.spec[field]
}

# METADATA
# title: "Images are pinned"
# description: "Every container image names a version tag or a digest; :latest or no tag means whatever was pushed last, so the same manifest can deploy different code."
# custom:
#   id: k8s/image-tag
#   fix: "Set the image to a version tag (`ghcr.io/acme/web:2.15.0`) or a digest (`…@sha256:…`)."
deny contains {
	"rule": "k8s/image-tag",
	"msg": sprintf("container \"%s\" uses %s: pin a version tag or a digest", [name(c.container), problem]),
	"pointer": concat("", [c.pointer, "/image"]),
} if {
	some c in containers
	problem := image_problem(c.container.image)
}

image_problem(image) := "the :latest tag" if {
	not contains(image, "@")
	endswith(image, ":latest")
}

image_problem(image) := "no tag (which means :latest)" if {
	not contains(image, "@")
	last := regex.find_all_string_submatch_n(`[^/]*$`, image, 1)[0][0]
	not contains(last, ":")
}

# METADATA
# title: "Containers set requests and limits"
# description: "Every container sets cpu and memory requests (what the scheduler reserves) and limits (what it may use at most)."
# custom:
#   id: k8s/resources
#   fix: "Add `resources: {requests: {cpu, memory}, limits: {cpu, memory}}` to the container."
deny contains {
	"rule": "k8s/resources",
	"msg": sprintf("container \"%s\" does not set resources.%s.%s", [name(c.container), kind, resource]),
	"pointer": c.pointer,
} if {
	some c in containers
	some kind in ["requests", "limits"]
	some resource in ["cpu", "memory"]
	not c.container.resources[kind][resource]
}

# METADATA
# title: "No privileged containers"
# description: "A privileged container has full access to the node it runs on."
# custom:
#   id: k8s/privileged
#   fix: "Remove `securityContext.privileged: true`; grant the single capability the container needs under `securityContext.capabilities.add` instead."
deny contains {
	"rule": "k8s/privileged",
	"msg": sprintf("container \"%s\" runs privileged: it has full access to the node", [name(c.container)]),
	"pointer": concat("", [c.pointer, "/securityContext/privileged"]),
} if {
	some c in containers
	c.container.securityContext.privileged == true
}

# METADATA
# title: "No host namespaces"
# description: "Pods do not share the node's PID, IPC or network namespace (hostPID, hostIPC, hostNetwork)."
# custom:
#   id: k8s/host-namespaces
#   fix: "Remove `hostPID`, `hostIPC` and `hostNetwork` from the pod spec."
deny contains {
	"rule": "k8s/host-namespaces",
	"msg": sprintf("pod sets %s: it shares the node's namespace", [field]),
	"pointer": sprintf("%s/%s", [pod.pointer, field]),
} if {
	some field in ["hostPID", "hostIPC", "hostNetwork"]
	pod.spec[field] == true
}

# METADATA
# title: "No hostPath volumes"
# description: "Pods do not mount directories of the node they run on."
# custom:
#   id: k8s/host-path
#   fix: "Use a PersistentVolumeClaim, a ConfigMap or an emptyDir volume instead of `hostPath`."
deny contains {
	"rule": "k8s/host-path",
	"msg": sprintf("volume \"%s\" mounts the node's %s: use a persistent volume instead", [volume.name, volume.hostPath.path]),
	"pointer": sprintf("%s/volumes/%d/hostPath", [pod.pointer, i]),
} if {
	some i, volume in pod.spec.volumes
	volume.hostPath
}

# METADATA
# title: "Containers run as non-root"
# description: "The pod, or every container, sets runAsNonRoot: true, so a container image that runs as root is refused by the kubelet."
# custom:
#   id: k8s/run-as-non-root
#   fix: "Set `securityContext.runAsNonRoot: true` on the pod spec (or on each container)."
deny contains {
	"rule": "k8s/run-as-non-root",
	"msg": sprintf("container \"%s\" may run as root: set securityContext.runAsNonRoot: true on the pod or the container", [name(c.container)]),
	"pointer": c.pointer,
} if {
	some c in containers
	not pod.spec.securityContext.runAsNonRoot == true
	not c.container.securityContext.runAsNonRoot == true
}

# METADATA
# title: "Deployments have probes"
# description: "Every container of a Deployment has a readiness and a liveness probe, so a rollout can tell a broken version from a working one."
# custom:
#   id: k8s/probes
#   fix: "Add `readinessProbe` and `livenessProbe` to the container (an HTTP GET on its health endpoint, or a TCP check)."
deny contains {
	"rule": "k8s/probes",
	"msg": sprintf("container \"%s\" has no %s: rollouts cannot tell a broken version from a working one", [name(container), probe]),
	"pointer": sprintf("/spec/template/spec/containers/%d", [i]),
} if {
	input.kind == "Deployment"
	some i, container in input.spec.template.spec.containers
	some probe in ["readinessProbe", "livenessProbe"]
	not container[probe]
}

# METADATA
# title: "No accidental load balancers"
# description: "A Service of type LoadBalancer is reachable from outside the cluster; that must be a decision, written on the Service."
# custom:
#   id: k8s/load-balancer
#   fix: "Use type ClusterIP behind an Ingress, or annotate the Service with `gitgate.dev/allow-load-balancer: \"true\"` if it must be public."
deny contains {
	"rule": "k8s/load-balancer",
	"msg": sprintf("Service \"%s\" is of type LoadBalancer: annotate it with gitgate.dev/allow-load-balancer: \"true\" if it must be reachable from outside", [input.metadata.name]),
	"pointer": "/spec/type",
} if {
	input.kind == "Service"
	input.spec.type == "LoadBalancer"
	not input.metadata.annotations["gitgate.dev/allow-load-balancer"] == "true"
}
