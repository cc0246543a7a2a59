package gitgate_test

import rego.v1

import data.gitgate

change(before, after) := {"path": "clusters/production/web.yaml", "status": "modified", "index": 1, "before": {"kind": "Deployment", "metadata": {"name": "web"}, "spec": {"replicas": before}}, "after": {"kind": "Deployment", "metadata": {"name": "web"}, "spec": {"replicas": after}}}

test_halving_allowed if {
	count(gitgate.deny) == 0 with input as {"changes": [change(4, 2)]}
}

test_dropping_more_than_half_denied if {
	results := gitgate.deny with input as {"changes": [change(4, 1)]}
	some r in results
	r.path == "clusters/production/web.yaml"
	r.index == 1
	r.pointer == "/spec/replicas"
}
