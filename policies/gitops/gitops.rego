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

# METADATA
# title: "Argo CD syncs automatically"
# description: "An Argo CD Application or ApplicationSet sets syncPolicy.automated, so what is merged to Git is applied without a person clicking Sync."
# custom:
#   id: gitops/argocd-auto-sync
#   fix: "Add `syncPolicy: {automated: {selfHeal: true, prune: true}}` to the Application's spec (the template's spec for an ApplicationSet)."
deny contains {
	"rule": "gitops/argocd-auto-sync",
	"msg": sprintf("%s \"%s\" does not sync automatically: set syncPolicy.automated", [input.kind, input.metadata.name]),
	"pointer": argo_kinds[input.kind],
} if {
	is_argo
	not argo_spec.syncPolicy.automated
}

# METADATA
# title: "Argo CD corrects drift"
# description: "An automated Argo CD sync also sets selfHeal: true, so changes made in the cluster by hand are reverted to what Git says."
# custom:
#   id: gitops/argocd-self-heal
#   fix: "Set `syncPolicy.automated.selfHeal: true`."
deny contains automated_flag("self-heal", "selfHeal", "changes made in the cluster are not reverted to what Git says") if {
	is_argo
	argo_spec.syncPolicy.automated
	not argo_spec.syncPolicy.automated.selfHeal == true
}

# METADATA
# title: "Argo CD prunes"
# description: "An automated Argo CD sync also sets prune: true, so objects deleted from Git are deleted from the cluster."
# custom:
#   id: gitops/argocd-prune
#   fix: "Set `syncPolicy.automated.prune: true`."
deny contains automated_flag("prune", "prune", "objects deleted from Git stay in the cluster") if {
	is_argo
	argo_spec.syncPolicy.automated
	not argo_spec.syncPolicy.automated.prune == true
}

automated_flag(rule, field, why) := {
	"rule": sprintf("gitops/argocd-%s", [rule]),
	"msg": sprintf("%s \"%s\" does not set syncPolicy.automated.%s: true, so %s", [input.kind, input.metadata.name, field, why]),
	"pointer": sprintf("%s/syncPolicy/automated", [argo_kinds[input.kind]]),
}

is_flux(kind) if {
	input.kind == kind
	contains(input.apiVersion, ".toolkit.fluxcd.io/")
}

# METADATA
# title: "Flux prunes"
# description: "A Flux Kustomization sets spec.prune: true, so objects deleted from Git are deleted from the cluster."
# custom:
#   id: gitops/flux-prune
#   fix: "Set `spec.prune: true` on the Kustomization."
deny contains {
	"rule": "gitops/flux-prune",
	"msg": sprintf("Kustomization \"%s\" does not set spec.prune: true, so objects deleted from Git stay in the cluster", [input.metadata.name]),
	"pointer": "/spec",
} if {
	is_flux("Kustomization")
	not input.spec.prune == true
}

# METADATA
# title: "Flux is not suspended"
# description: "A suspended Flux Kustomization or HelmRelease stops applying what is merged to Git."
# custom:
#   id: gitops/flux-suspended
#   fix: "Remove `spec.suspend: true` (or set it to false) before merging; suspend in the cluster only for an incident, and resume from Git."
deny contains {
	"rule": "gitops/flux-suspended",
	"msg": sprintf("%s \"%s\" is suspended: changes merged to Git are not applied", [input.kind, input.metadata.name]),
	"pointer": "/spec/suspend",
} if {
	some kind in ["Kustomization", "HelmRelease"]
	is_flux(kind)
	input.spec.suspend == true
}

# METADATA
# title: "No imperative deploys from CI"
# description: "A GitHub Actions workflow that runs on push does not change clusters itself (kubectl apply, helm upgrade, terraform apply): deploys go through Git and the GitOps agent."
# custom:
#   id: gitops/imperative-deploy
#   fix: "Remove the command from the workflow and let Argo CD or Flux apply the change; keep CI to building, testing and rendering."
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
