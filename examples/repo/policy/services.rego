# Our own rules, conftest-style: package main, one input document at a time.
package main

import rego.v1

# NodePort opens a port on every node of the cluster; we expose services through the ingress only.
deny_node_port contains {
	"msg": sprintf("Service \"%s\" is of type NodePort: expose it through the ingress instead", [input.metadata.name]),
	"pointer": "/spec/type",
} if {
	input.kind == "Service"
	input.spec.type == "NodePort"
}

# Dashboards and alerts find workloads by this label.
warn_name_label contains {
	"msg": sprintf("%s \"%s\" has no app.kubernetes.io/name label", [input.kind, input.metadata.name]),
	"pointer": "/metadata",
} if {
	input.kind in {"Deployment", "StatefulSet", "DaemonSet"}
	not input.metadata.labels["app.kubernetes.io/name"]
}
