package main_test

import rego.v1

import data.main

test_node_port_denied if {
	results := main.deny_node_port with input as {"kind": "Service", "metadata": {"name": "web"}, "spec": {"type": "NodePort"}}
	results == {{"msg": "Service \"web\" is of type NodePort: expose it through the ingress instead", "pointer": "/spec/type"}}
}

test_cluster_ip_allowed if {
	count(main.deny_node_port) == 0 with input as {"kind": "Service", "metadata": {"name": "web"}, "spec": {"type": "ClusterIP"}}
}

test_missing_name_label_warns if {
	count(main.warn_name_label) == 1 with input as {"kind": "Deployment", "metadata": {"name": "web", "labels": {}}}
}
