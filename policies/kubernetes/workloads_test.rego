package builtin.kubernetes_test

import rego.v1

import data.builtin.kubernetes

good_deployment := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web"},
	"spec": {"template": {"spec": {
		"securityContext": {"runAsNonRoot": true},
		"containers": [{
			"name": "web",
			"image": "ghcr.io/acme/web:2.14.0",
			"resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "1", "memory": "256Mi"}},
			"readinessProbe": {"httpGet": {"path": "/", "port": 80}},
			"livenessProbe": {"httpGet": {"path": "/", "port": 80}},
		}],
	}}},
}

rules(results) := {r.rule | some r in results}

with_container(patch) := json.patch(good_deployment, [{"op": "add", "path": "/spec/template/spec/containers/0", "value": object.union(good_deployment.spec.template.spec.containers[0], patch)}, {"op": "remove", "path": "/spec/template/spec/containers/1"}])

test_good_deployment_passes if {
	count(kubernetes.deny) == 0 with input as good_deployment
}

test_latest_tag_denied if {
	results := kubernetes.deny with input as with_container({"image": "nginx:latest"})
	some r in results
	r.rule == "k8s/image-tag"
	r.pointer == "/spec/template/spec/containers/0/image"
	contains(r.msg, "the :latest tag")
}

test_untagged_image_denied if {
	rules(kubernetes.deny) == {"k8s/image-tag"} with input as with_container({"image": "registry:5000/team/nginx"})
}

test_digest_allowed if {
	count(kubernetes.deny) == 0 with input as with_container({"image": "nginx@sha256:0123456789abcdef"})
}

test_missing_limits_denied if {
	no_limits := json.patch(good_deployment, [{"op": "remove", "path": "/spec/template/spec/containers/0/resources/limits"}])
	results := kubernetes.deny with input as no_limits
	{r.msg | some r in results} == {
		"container \"web\" does not set resources.limits.cpu",
		"container \"web\" does not set resources.limits.memory",
	}
}

test_privileged_denied if {
	rules(kubernetes.deny) == {"k8s/privileged"} with input as with_container({"securityContext": {"privileged": true}})
}

test_host_namespaces_and_paths_denied if {
	pod := object.union(good_deployment.spec.template.spec, {"hostNetwork": true, "hostPID": true, "volumes": [{"name": "docker", "hostPath": {"path": "/var/run/docker.sock"}}]})
	deployment := json.patch(good_deployment, [{"op": "replace", "path": "/spec/template/spec", "value": pod}])
	results := kubernetes.deny with input as deployment
	{r.pointer | some r in results} == {"/spec/template/spec/hostNetwork", "/spec/template/spec/hostPID", "/spec/template/spec/volumes/0/hostPath"}
}

test_run_as_root_denied_unless_container_says_otherwise if {
	no_pod_context := json.patch(good_deployment, [{"op": "remove", "path": "/spec/template/spec/securityContext"}])
	rules(kubernetes.deny) == {"k8s/run-as-non-root"} with input as no_pod_context
	fixed := json.patch(no_pod_context, [{"op": "add", "path": "/spec/template/spec/containers/0/securityContext", "value": {"runAsNonRoot": true}}])
	count(kubernetes.deny) == 0 with input as fixed
}

test_probes_required_on_deployments_only if {
	no_probes := json.patch(good_deployment, [{"op": "remove", "path": "/spec/template/spec/containers/0/livenessProbe"}])
	rules(kubernetes.deny) == {"k8s/probes"} with input as no_probes
	job := json.patch(no_probes, [{"op": "replace", "path": "/kind", "value": "Job"}])
	count(kubernetes.deny) == 0 with input as job
}

test_cronjob_pod_template_checked if {
	cron := {"kind": "CronJob", "metadata": {"name": "c"}, "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "busybox"}]}}}}}}
	results := kubernetes.deny with input as cron
	some r in results
	r.rule == "k8s/image-tag"
	r.pointer == "/spec/jobTemplate/spec/template/spec/containers/0/image"
}

test_load_balancer_needs_annotation if {
	svc := {"kind": "Service", "metadata": {"name": "web"}, "spec": {"type": "LoadBalancer"}}
	rules(kubernetes.deny) == {"k8s/load-balancer"} with input as svc
	allowed := json.patch(svc, [{"op": "add", "path": "/metadata/annotations", "value": {"gitgate.dev/allow-load-balancer": "true"}}])
	count(kubernetes.deny) == 0 with input as allowed
}
