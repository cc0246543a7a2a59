# Rules about the change itself: package gitgate, input = {pull_request, changes[]}.
package gitgate

import rego.v1

# Scaling down by more than half in one PR is how capacity outages start: do it in steps.
deny contains {
	"msg": sprintf("Deployment \"%s\" drops from %d to %d replicas in one change: scale down by at most half", [change.after.metadata.name, change.before.spec.replicas, change.after.spec.replicas]),
	"path": change.path,
	"index": change.index,
	"pointer": "/spec/replicas",
} if {
	some change in input.changes
	change.status == "modified"
	change.after.kind == "Deployment"
	change.after.spec.replicas * 2 < change.before.spec.replicas
}
