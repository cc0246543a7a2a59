import { afterAll, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { brief } from "../support/parse-text.js";
import { checkJson } from "../support/run-cli.js";

const widgetCrd = (pattern = "^[a-z]+$") => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.acme.example.com
spec:
  group: acme.example.com
  scope: Namespaced
  names: { kind: Widget, plural: widgets, singular: widget, listKind: WidgetList }
  versions:
    - name: v1alpha1
      served: false
      storage: false
      schema:
        openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true }
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              properties:
                size: { type: integer, minimum: 1 }
                mode: { type: string, enum: [fast, safe] }
                port: { x-kubernetes-int-or-string: true }
                owner: { type: string, nullable: true, pattern: "${pattern}" }
                labels: { type: object, additionalProperties: { type: string } }
                config: { type: object, x-kubernetes-preserve-unknown-fields: true }
                template: { type: object, x-kubernetes-embedded-resource: true, properties: { spec: { type: object, properties: { replicas: { type: integer } } } } }
`;

const gadgetSchema = JSON.stringify({
  type: "object",
  properties: { spec: { type: "object", required: ["color"], additionalProperties: false, properties: { color: { type: "string" } } } },
});

const certificateSchema = JSON.stringify({
  type: "object",
  properties: { spec: { type: "object", required: ["secretName"], properties: { secretName: { type: "string" }, dnsNames: { type: "array", items: { type: "string" } } } } },
});

const config = (extra = "") => `version: 1
crds: [crds/]
schemas:
  - files: "k8s/**"
    schema: kubernetes${extra}
  - kind: acme.example.com/v1 Gadget
    schema: schemas/gadget.schema.json
  - catalog: schemas/catalog/
`;

const base = {
  ".github/gitgate.yml": config(),
  "crds/widget.yaml": widgetCrd(),
  "schemas/gadget.schema.json": gadgetSchema,
  "schemas/catalog/cert-manager.io/certificate_v1.json": certificateSchema,
};

const resources = `apiVersion: acme.example.com/v1
kind: Widget
metadata:
  name: good
spec:
  size: 2
  mode: fast
  port: http
  owner: null
  labels: { team: shop }
  config: { anything: [1, 2] }
  template: { apiVersion: v1, kind: Pod, metadata: { name: x }, spec: { replicas: 1 } }
---
apiVersion: acme.example.com/v1
kind: Widget
metadata:
  name: bad
spec:
  size: 0
  mode: quick
  port: 1.5
  szie: 3
  labels: { team: 7 }
  template: { spec: { replica: 1 } }
---
apiVersion: acme.example.com/v1alpha1
kind: Widget
metadata:
  name: old
---
apiVersion: acme.example.com/v1
kind: Gadget
metadata:
  name: g
spec:
  colour: red
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: c
spec:
  dnsNames: example.com
---
apiVersion: example.org/v1
kind: Thing
metadata:
  name: t
`;

describe("custom resources", () => {
  const repos: TestRepo[] = [];
  const judge = async (baseFiles: Record<string, string>, change: Record<string, string>) => {
    const repo = await createTestRepo(baseFiles);
    repos.push(repo);
    await repo.branch("pr", "main", change);
    return checkJson(repo.dir, "pr");
  };
  afterAll(async () => {
    for (const repo of repos) await repo.remove();
  });

  it("are validated by the base's CRDs, kind schemas and catalog, on the exact lines", async () => {
    const { status, report } = await judge(base, { "k8s/resources.yaml": resources });
    const crd = "(acme.example.com/v1 Widget, CRD widgets.acme.example.com in crds/widget.yaml)";
    expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
      `error schema/minimum k8s/resources.yaml:19:9 new spec.size must be >= 1 ${crd}`,
      `error schema/enum k8s/resources.yaml:20:9 new spec.mode must be one of: "fast", "safe" ${crd}`,
      `error schema/type k8s/resources.yaml:21:9 new spec.port must be an integer or a string ${crd}`,
      `error schema/unknown-field k8s/resources.yaml:22:3 new spec.szie is not a field the schema knows: did you mean \`size\`? ${crd}`,
      `error schema/type k8s/resources.yaml:23:19 new spec.labels.team must be a string ${crd}`,
      `error schema/unknown-field k8s/resources.yaml:24:23 new spec.template.spec.replica is not a field the schema knows: did you mean \`replicas\`? ${crd}`,
      "error schema/unserved-version k8s/resources.yaml:26:13 new CRD widgets.acme.example.com (crds/widget.yaml) does not serve this version: it serves v1.",
      'error schema/required k8s/resources.yaml:35:1 new spec: missing required property "color" (acme.example.com/v1 Gadget, schemas/gadget.schema.json)',
      "error schema/additionalProperties k8s/resources.yaml:36:3 new spec.colour: unknown property (not allowed by the schema) (acme.example.com/v1 Gadget, schemas/gadget.schema.json)",
      'error schema/required k8s/resources.yaml:42:1 new spec: missing required property "secretName" (cert-manager.io/v1 Certificate, schemas/catalog/cert-manager.io/certificate_v1.json)',
      "error schema/type k8s/resources.yaml:43:13 new spec.dnsNames must be an array (cert-manager.io/v1 Certificate, schemas/catalog/cert-manager.io/certificate_v1.json)",
      "notice schema/unknown-kind k8s/resources.yaml:46:7 new No built-in schema for example.org/v1 Thing: not validated.",
    ]);
    expect(status).toBe(1);
  });

  // controller-gen writes `metadata: {type: object}` into every CRD: its fieldless schema made every
  // custom resource's name, namespace and labels unknown fields; and with no metadata declared, a
  // misspelt metadata field passed where the API server's strict field validation rejects it.
  it("check a resource's metadata as ObjectMeta, whatever the CRD declares for it", async () => {
    const declared = widgetCrd().replace("          properties:\n            spec:", "          properties:\n            metadata: { type: object }\n            spec:");
    const widget = (metadata: string) => `apiVersion: acme.example.com/v1\nkind: Widget\nmetadata:\n${metadata}spec:\n  size: 1\n  template: { metadata: { labelz: { a: b } } }\n`;
    const crd = "(acme.example.com/v1 Widget, CRD widgets.acme.example.com in crds/widget.yaml)";
    for (const crdText of [declared, widgetCrd()]) {
      const { report } = await judge({ ...base, "crds/widget.yaml": crdText }, { "k8s/w.yaml": widget("  name: w\n  namespace: shop\n  labels: { team: shop }\n  annotations: { a: b }\n  nmae: typo\n") });
      expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
        `error schema/unknown-field k8s/w.yaml:8:3 new metadata.nmae is not a field the schema knows: did you mean \`name\`? ${crd}`,
        `error schema/unknown-field k8s/w.yaml:11:27 new spec.template.metadata.labelz is not a field the schema knows: did you mean \`labels\`? ${crd}`,
      ]);
    }
  });

  it("strict: true makes a custom resource with no schema an error; strict: false allows unknown fields", async () => {
    const strict = await judge({ ...base, ".github/gitgate.yml": config("\n    strict: true") }, { "k8s/resources.yaml": resources });
    expect(strict.report.findings.filter((f) => f.rule === "schema/unknown-kind").map(brief)).toEqual(["error schema/unknown-kind k8s/resources.yaml:46:7 new"]);
    const lax = await judge({ ...base, ".github/gitgate.yml": config("\n    strict: false") }, { "k8s/resources.yaml": resources });
    expect(lax.report.findings.filter((f) => f.rule === "schema/unknown-field").map(brief)).toEqual([]);
    expect(lax.report.findings.filter((f) => f.rule === "schema/additionalProperties").map(brief)).toEqual(["error schema/additionalProperties k8s/resources.yaml:36:3 new"]);
  });

  it("are judged by the base's CRD: a change that loosens the CRD does not loosen its own check", async () => {
    const loosened = widgetCrd().replace("required: [size]", "x-kubernetes-preserve-unknown-fields: true");
    const widget = "apiVersion: acme.example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  szie: 3\n";
    const { status, report } = await judge(base, { "crds/widget.yaml": loosened, "k8s/w.yaml": widget });
    expect(report.findings.map(brief)).toEqual([
      "error schema/required k8s/w.yaml:5:1 new",
      "error schema/unknown-field k8s/w.yaml:6:3 new",
      "notice config/control-plane-change crds/widget.yaml:1:1 new",
    ]);
    expect(status).toBe(1);
  });

  it("whose CRD only the change adds are not validated yet, and say why", async () => {
    const { status, report } = await judge({ ".github/gitgate.yml": "version: 1\nschemas:\n  - files: \"k8s/**\"\n    schema: kubernetes\n" }, {
      "k8s/crd.yaml": widgetCrd(),
      "k8s/w.yaml": "apiVersion: acme.example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  szie: 3\n",
    });
    expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
      "notice schema/unknown-kind k8s/w.yaml:2:7 new No built-in schema for acme.example.com/v1 Widget (its CustomResourceDefinition in k8s/crd.yaml is added by this change and applies once merged): not validated.",
    ]);
    expect(status).toBe(0);
  });

  it("without crds:, use the CRDs in the base versions of the change's own files", async () => {
    const file = (size: number) => `${widgetCrd()}---\napiVersion: acme.example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: ${size}\n`;
    const { status, report } = await judge({ ".github/gitgate.yml": "version: 1\nschemas:\n  - files: \"k8s/**\"\n    schema: kubernetes\n", "k8s/widget.yaml": file(1) }, { "k8s/widget.yaml": file(0) });
    expect(report.findings.map(brief)).toEqual(["error schema/minimum k8s/widget.yaml:39:9 new"]);
    expect(status).toBe(1);
  });

  it("a CRD in Kubernetes' own API group, or a group without a dot, is refused and cannot loosen a built-in kind", async () => {
    const ownGroupCrd = (group: string, kind: string) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: loose.${group}
spec:
  group: ${group}
  scope: Namespaced
  names: { kind: ${kind}, plural: looses }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true }
`;
    const deployment = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          ${image}
`;
    const file = (image: string) => `${ownGroupCrd("apps", "Deployment")}---\n${ownGroupCrd("networking.k8s.io", "Ingress")}---\n${ownGroupCrd("widgets", "Widget")}---\n${deployment(image)}`;
    const { status, report } = await judge(
      { ".github/gitgate.yml": "version: 1\nschemas:\n  - files: \"k8s/**\"\n    schema: kubernetes\n", "k8s/app.yaml": file("image: nginx:1.27") },
      { "k8s/app.yaml": file("imgae: nginx:1.27") },
    );
    expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
      "error schema/crd-group k8s/app.yaml:6:10 existing The API server refuses this CRD: `apps` is an API group Kubernetes serves itself. Its kinds are judged by their built-in schemas, if any.",
      "error schema/crd-group k8s/app.yaml:21:10 existing The API server refuses this CRD: `networking.k8s.io` is an API group Kubernetes serves itself. Its kinds are judged by their built-in schemas, if any.",
      "error schema/crd-group k8s/app.yaml:36:10 existing The API server refuses this CRD: the API server requires a group with at least one dot (`widgets`). Its kinds are judged by their built-in schemas, if any.",
      "error schema/unknown-field k8s/app.yaml:57:11 new spec.template.spec.containers[0].imgae is not a field the schema knows: did you mean `image`? (Kubernetes apps/v1 Deployment)",
    ]);
    expect(status).toBe(1);
  });

  it("a CRD schema Gitgate cannot run fails its custom resources closed; a crds: path with no files is a config error", async () => {
    const { status, report } = await judge(
      { ...base, ".github/gitgate.yml": config().replace("crds: [crds/]", "crds: [crds/, crd/]"), "crds/widget.yaml": widgetCrd("^(?!admin)") },
      { "k8s/w.yaml": "apiVersion: acme.example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: 1\n", "k8s/g.yaml": "apiVersion: acme.example.com/v1\nkind: Gadget\nmetadata:\n  name: g\nspec: {}\n" },
    );
    expect(report.findings.map(brief)).toEqual([
      "error config/crd-path .github/gitgate.yml:2:15 new",
      "error schema/required k8s/g.yaml:5:1 new",
      "error schema/unusable k8s/w.yaml:2:7 new",
    ]);
    expect(report.findings[2]!.message).toContain("cannot be run in linear time");
    expect(status).toBe(2);
  });
});
