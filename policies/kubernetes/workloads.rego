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

# k8s/image-tag: images are pinned to a tag or digest, never :latest or untagged.
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

# k8s/resources: every container sets cpu and memory requests and limits.
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

# k8s/privileged: no privileged containers.
deny contains {
	"rule": "k8s/privileged",
	"msg": sprintf("container \"%s\" runs privileged: it has full access to the node", [name(c.container)]),
	"pointer": concat("", [c.pointer, "/securityContext/privileged"]),
} if {
	some c in containers
	c.container.securityContext.privileged == true
}

# k8s/host-namespaces: pods do not share the node's PID, IPC or network namespace.
deny contains {
	"rule": "k8s/host-namespaces",
	"msg": sprintf("pod sets %s: it shares the node's namespace", [field]),
	"pointer": sprintf("%s/%s", [pod.pointer, field]),
} if {
	some field in ["hostPID", "hostIPC", "hostNetwork"]
	pod.spec[field] == true
}

# k8s/host-path: pods do not mount directories of the node.
deny contains {
	"rule": "k8s/host-path",
	"msg": sprintf("volume \"%s\" mounts the node's %s: use a persistent volume instead", [volume.name, volume.hostPath.path]),
	"pointer": sprintf("%s/volumes/%d/hostPath", [pod.pointer, i]),
} if {
	some i, volume in pod.spec.volumes
	volume.hostPath
}

# k8s/run-as-non-root: the pod, or every container, sets runAsNonRoot: true.
deny contains {
	"rule": "k8s/run-as-non-root",
	"msg": sprintf("container \"%s\" may run as root: set securityContext.runAsNonRoot: true on the pod or the container", [name(c.container)]),
	"pointer": c.pointer,
} if {
	some c in containers
	not pod.spec.securityContext.runAsNonRoot == true
	not c.container.securityContext.runAsNonRoot == true
}

# k8s/probes: Deployments' containers have readiness and liveness probes.
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

# k8s/load-balancer: a LoadBalancer Service is exposed on purpose, never by accident.
deny contains {
	"rule": "k8s/load-balancer",
	"msg": sprintf("Service \"%s\" is of type LoadBalancer: annotate it with gitgate.dev/allow-load-balancer: \"true\" if it must be reachable from outside", [input.metadata.name]),
	"pointer": "/spec/type",
} if {
	input.kind == "Service"
	input.spec.type == "LoadBalancer"
	not input.metadata.annotations["gitgate.dev/allow-load-balancer"] == "true"
}
