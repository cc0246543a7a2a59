# The one policy the bench gives both Gitgate and conftest: per document, package main, Rego v1.
package main

import rego.v1

containers contains container if {
	some container in input.spec.template.spec.containers
}

containers contains container if {
	input.kind == "Pod"
	some container in input.spec.containers
}

deny contains msg if {
	some container in containers
	endswith(container.image, ":latest")
	msg := sprintf("container %v uses the :latest tag", [container.name])
}

warn contains msg if {
	some container in containers
	not container.resources.limits
	msg := sprintf("container %v has no resource limits", [container.name])
}
