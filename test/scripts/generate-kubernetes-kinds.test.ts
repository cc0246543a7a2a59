import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { collectKinds, collectStrippedFields, renderKinds, renderStrippedFields } from "../../scripts/generate-kubernetes-kinds.js";

describe("the Kubernetes kind index", () => {
  it("matches the installed kubernetes-models packages (run `npm run generate:kinds` after a bump)", () => {
    const committed = readFileSync(new URL("../../src/engine/schema/kubernetes-kinds.generated.ts", import.meta.url), "utf8");
    expect(committed).toBe(renderKinds(collectKinds()));
    const stripped = readFileSync(new URL("../../src/engine/schema/kubernetes-stripped-fields.generated.ts", import.meta.url), "utf8");
    expect(stripped).toBe(renderStrippedFields(collectStrippedFields()));
  });

  it("covers the built-in kinds of a recent Kubernetes and the GitOps kinds the examples use", () => {
    const kinds = collectKinds();
    for (const key of [
      "v1/Pod", "v1/Service", "v1/Secret", "v1/ConfigMap", "apps/v1/Deployment", "apps/v1/StatefulSet",
      "batch/v1/CronJob", "networking.k8s.io/v1/Ingress", "rbac.authorization.k8s.io/v1/ClusterRole",
      "autoscaling/v2/HorizontalPodAutoscaler", "policy/v1/PodDisruptionBudget",
      "argoproj.io/v1alpha1/Application", "argoproj.io/v1alpha1/ApplicationSet",
      "kustomize.toolkit.fluxcd.io/v1/Kustomization", "helm.toolkit.fluxcd.io/v2/HelmRelease",
    ]) {
      expect(kinds.has(key), key).toBe(true);
    }
    expect(kinds.size).toBeGreaterThan(250);
  });
});
