# Built-in pack "gitops": the cluster follows Git, and nothing changes it any other way.
# Each result is {rule, msg, pointer}; the pointer is mapped to the offending line.
package builtin.gitops

import rego.v1

argo_kinds := {"Application": "/spec", "ApplicationSet": "/spec/template/spec"}

argo_spec := input.spec if input.kind == "Application"

argo_spec := input.spec.template.spec if input.kind == "ApplicationSet"

is_argo if {
	startswith(input.apiVersion, "argoproj.io/")
	argo_kinds[input.kind]
}

# gitops/argocd-auto-sync: Argo CD syncs automatically, so Git is applied without a person clicking.
deny contains {
	"rule": "gitops/argocd-auto-sync",
	"msg": sprintf("%s \"%s\" does not sync automatically: set syncPolicy.automated", [input.kind, input.metadata.name]),
	"pointer": argo_kinds[input.kind],
} if {
	is_argo
	not argo_spec.syncPolicy.automated
}

# gitops/argocd-self-heal and gitops/argocd-prune: drift is corrected and removed objects are deleted.
deny contains {
	"rule": sprintf("gitops/argocd-%s", [rule]),
	"msg": sprintf("%s \"%s\" does not set syncPolicy.automated.%s: true, so %s", [input.kind, input.metadata.name, field, why]),
	"pointer": sprintf("%s/syncPolicy/automated", [argo_kinds[input.kind]]),
} if {
	is_argo
	argo_spec.syncPolicy.automated
	some [rule, field, why] in [
		["self-heal", "selfHeal", "changes made in the cluster are not reverted to what Git says"],
		["prune", "prune", "objects deleted from Git stay in the cluster"],
	]
	not argo_spec.syncPolicy.automated[field] == true
}

is_flux(kind) if {
	input.kind == kind
	contains(input.apiVersion, ".toolkit.fluxcd.io/")
}

# gitops/flux-prune: a Flux Kustomization deletes what was removed from Git.
deny contains {
	"rule": "gitops/flux-prune",
	"msg": sprintf("Kustomization \"%s\" does not set spec.prune: true, so objects deleted from Git stay in the cluster", [input.metadata.name]),
	"pointer": "/spec",
} if {
	is_flux("Kustomization")
	not input.spec.prune == true
}

# gitops/flux-suspended: a suspended Kustomization or HelmRelease stops applying Git.
deny contains {
	"rule": "gitops/flux-suspended",
	"msg": sprintf("%s \"%s\" is suspended: changes merged to Git are not applied", [input.kind, input.metadata.name]),
	"pointer": "/spec/suspend",
} if {
	some kind in ["Kustomization", "HelmRelease"]
	is_flux(kind)
	input.spec.suspend == true
}

# gitops/imperative-deploy: a GitHub workflow triggered by push does not change clusters itself.
deny contains {
	"rule": "gitops/imperative-deploy",
	"msg": sprintf("job \"%s\" runs \"%s\" on push: deploys must go through Git and the GitOps agent, not CI", [job_name, command]),
	"pointer": sprintf("/jobs/%s/steps/%d/run", [escape(job_name), i]),
} if {
	runs_on_push
	some job_name, job in input.jobs
	some i, step in job.steps
	some command in imperative_commands(step.run)
}

runs_on_push if input.on == "push"

runs_on_push if "push" in input.on

runs_on_push if input.on.push

imperative_patterns := [
	`kubectl\s+(apply|create|edit|patch|delete|scale|replace|rollout\s+restart)\b`,
	`helm\s+(install|upgrade)\b`,
	`terraform\s+apply\b`,
]

imperative_commands(script) := {match[0] |
	some pattern in imperative_patterns
	some match in regex.find_all_string_submatch_n(pattern, script, -1)
}

escape(segment) := replace(replace(segment, "~", "~0"), "/", "~1")
