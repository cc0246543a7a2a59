package builtin.gitops_test

import rego.v1

import data.builtin.gitops

application := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "web"},
	"spec": {"syncPolicy": {"automated": {"prune": true, "selfHeal": true}}},
}

rules(results) := {r.rule | some r in results}

test_automated_application_passes if {
	count(gitops.deny) == 0 with input as application
}

test_manual_sync_denied if {
	manual := json.patch(application, [{"op": "remove", "path": "/spec/syncPolicy/automated"}])
	results := gitops.deny with input as manual
	rules(results) == {"gitops/argocd-auto-sync"}
	some r in results
	r.pointer == "/spec"
}

test_self_heal_and_prune_required if {
	half := json.patch(application, [{"op": "replace", "path": "/spec/syncPolicy/automated", "value": {"prune": false}}])
	results := gitops.deny with input as half
	rules(results) == {"gitops/argocd-self-heal", "gitops/argocd-prune"}
	every r in results {
		r.pointer == "/spec/syncPolicy/automated"
	}
}

test_application_set_template_checked if {
	set := {"apiVersion": "argoproj.io/v1alpha1", "kind": "ApplicationSet", "metadata": {"name": "all"}, "spec": {"template": {"spec": {"syncPolicy": {"automated": {"selfHeal": true}}}}}}
	results := gitops.deny with input as set
	rules(results) == {"gitops/argocd-prune"}
	some r in results
	r.pointer == "/spec/template/spec/syncPolicy/automated"
}

test_flux_kustomization_prunes_and_runs if {
	ks := {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "metadata": {"name": "apps"}, "spec": {"prune": true}}
	count(gitops.deny) == 0 with input as ks
	rules(gitops.deny) == {"gitops/flux-prune", "gitops/flux-suspended"} with input as json.patch(ks, [{"op": "replace", "path": "/spec", "value": {"suspend": true}}])
}

test_flux_helm_release_not_suspended if {
	hr := {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "metadata": {"name": "redis"}, "spec": {"suspend": true}}
	rules(gitops.deny) == {"gitops/flux-suspended"} with input as hr
}

workflow(on, run) := {"on": on, "jobs": {"deploy": {"runs-on": "ubuntu-latest", "steps": [{"uses": "actions/checkout@v4"}, {"run": run}]}}}

test_imperative_deploy_on_push_denied if {
	results := gitops.deny with input as workflow({"push": {"branches": ["main"]}}, "kubectl apply -f k8s/\nhelm upgrade --install web ./chart")
	{r.msg | some r in results} == {
		"job \"deploy\" runs \"kubectl apply\" on push: deploys must go through Git and the GitOps agent, not CI",
		"job \"deploy\" runs \"helm upgrade\" on push: deploys must go through Git and the GitOps agent, not CI",
	}
	every r in results {
		r.pointer == "/jobs/deploy/steps/1/run"
	}
}

test_push_trigger_forms if {
	count(gitops.deny) == 1 with input as workflow("push", "terraform apply -auto-approve")
	count(gitops.deny) == 1 with input as workflow(["pull_request", "push"], "kubectl scale deploy/web --replicas=0")
}

test_read_only_commands_and_other_triggers_allowed if {
	count(gitops.deny) == 0 with input as workflow({"push": {}}, "kubectl diff -f k8s/ && terraform plan && helm template .")
	count(gitops.deny) == 0 with input as workflow({"pull_request": {}}, "kubectl apply --dry-run=server -f k8s/")
}
