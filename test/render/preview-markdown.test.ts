import { describe, expect, it } from "vitest";
import { renderComment } from "../../src/render/render-comment.js";
import { renderPreviewMarkdown } from "../../src/render/render-preview-markdown.js";
import { evaluate } from "../support/evaluate.js";

const config = "version: 1\nschemas:\n  - files: 'clusters/**'\n    schema: kubernetes\npreview:\n  redact: ['clusters/*/sealed/**']\n";
const deployment = (opts: { name?: string; replicas?: number; image?: string } = {}) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${opts.name ?? "web"}
  namespace: shop
spec:
  replicas: ${opts.replicas ?? 2}
  selector:
    matchLabels: { app: ${opts.name ?? "web"} }
  template:
    metadata:
      labels: { app: ${opts.name ?? "web"} }
    spec:
      containers:
        - name: web
          image: ${opts.image ?? "ghcr.io/acme/web:1.0.0"}
        - name: proxy
          image: envoyproxy/envoy:v1.31.0
`;
const service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  ports:\n    - name: http\n      port: 80\n";

async function preview(base: Record<string, string>, changes: Record<string, string | null>) {
  const report = await evaluate({ ".github/gitgate.yml": config, ...base }, changes);
  return renderPreviewMarkdown(report);
}

describe("preview Markdown (golden)", () => {
  it("image bump", async () => {
    const md = await preview({ "clusters/prod/web.yaml": deployment() }, { "clusters/prod/web.yaml": deployment({ image: "ghcr.io/acme/web:1.1.0" }) });
    await expect(md).toMatchFileSnapshot("golden/image-bump.md");
  });

  it("replica change", async () => {
    const md = await preview({ "clusters/prod/web.yaml": deployment() }, { "clusters/prod/web.yaml": deployment({ replicas: 5 }) });
    await expect(md).toMatchFileSnapshot("golden/replica-change.md");
  });

  it("new object", async () => {
    const md = await preview({ "clusters/prod/web.yaml": deployment() }, { "clusters/prod/web.yaml": `${deployment()}---\n${service}` });
    await expect(md).toMatchFileSnapshot("golden/new-object.md");
  });

  it("deleted object", async () => {
    const md = await preview({ "clusters/prod/web.yaml": `${deployment()}---\n${service}` }, { "clusters/prod/web.yaml": deployment() });
    await expect(md).toMatchFileSnapshot("golden/deleted-object.md");
  });

  it("object moved to another file", async () => {
    const md = await preview(
      { "clusters/prod/all.yaml": `${deployment()}---\n${service}` },
      { "clusters/prod/all.yaml": deployment(), "clusters/prod/service.yaml": service.replace("port: 80", "port: 8080") },
    );
    await expect(md).toMatchFileSnapshot("golden/moved-object.md");
  });

  it("Secret change: keys and lengths, never values", async () => {
    const secret = (data: string, stringData: string) =>
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: shop\ntype: Opaque\ndata:\n${data}stringData:\n${stringData}`;
    const md = await preview(
      { "clusters/prod/secret.yaml": secret("  username: b3JkZXJz\n  password: aHVudGVyMi1zdXBlci1zZWNyZXQ=\n", "  api-key: old-api-key-value-123\n") },
      { "clusters/prod/secret.yaml": secret("  username: b3JkZXJz\n", "  password: n3w-Pa55w0rd-for-prod\n  api-key: old-api-key-value-123\n  token: ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789\n") },
    );
    await expect(md).toMatchFileSnapshot("golden/secret-change.md");
    for (const value of ["hunter2-super-secret", "aHVudGVyMi1zdXBlci1zZWNyZXQ=", "n3w-Pa55w0rd-for-prod", "old-api-key-value-123", "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "orders", "b3JkZXJz"]) {
      expect(md).not.toContain(value);
    }
  });

  it("Argo CD Application change", async () => {
    const app = (revision: string, selfHeal: boolean) => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web-prod
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://github.com/acme/platform-config.git
    targetRevision: ${revision}
    path: clusters/prod
  destination:
    server: https://kubernetes.default.svc
    namespace: shop
  syncPolicy:
    automated:
      prune: true
      selfHeal: ${selfHeal}
`;
    const md = await preview({ "clusters/argocd/web.yaml": app("main", true) }, { "clusters/argocd/web.yaml": app("release-2.0", false) });
    await expect(md).toMatchFileSnapshot("golden/argocd-application.md");
  });

  it("formatting only: no semantic change", async () => {
    const reformatted = "# the web deployment\n" + deployment().replace("namespace: shop", "namespace: 'shop'").replace("replicas: 2", "replicas: 2 # two");
    const md = await preview({ "clusters/prod/web.yaml": deployment() }, { "clusters/prod/web.yaml": reformatted });
    expect(md).toBe("### Preview: 0 added, 0 changed, 0 removed, 1 file with formatting changes only\n\nNo semantic change: only formatting (comments, key order, quoting).\n");
  });
});

describe("preview values", () => {
  it("quotes strings that would read as another type, so a type change is visible", async () => {
    const cm = (value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s\ndata:\n  retries: ${value}\n`;
    const md = await preview({ "clusters/prod/cm.yaml": cm('"3"') }, { "clusters/prod/cm.yaml": cm("3") });
    expect(md).toContain("  data.retries:\n-   \"3\"\n+   3\n");
  });
});

describe("preview Markdown limits", () => {
  it("keeps a 1,000-object change within GitHub's limit and says exactly what it left out", async () => {
    const many = Array.from({ length: 1000 }, (_, i) => deployment({ name: `svc-${String(i).padStart(4, "0")}`, replicas: 2 })).join("---\n");
    const bumped = many.replaceAll("replicas: 2", "replicas: 3");
    const report = await evaluate({ ".github/gitgate.yml": config, "clusters/prod/all.yaml": many }, { "clusters/prod/all.yaml": bumped });
    expect(report.diff.summary.changed).toBe(1000);
    const md = renderPreviewMarkdown(report);
    expect(md.length).toBeLessThanOrEqual(65_536);
    const shown = (md.match(/<details>/g) ?? []).length;
    expect(shown).toBeGreaterThan(10);
    expect((md.match(/<\/details>/g) ?? []).length).toBe(shown);
    expect(md.split("\n").filter((l) => /^`{3,}/.test(l)).length % 2).toBe(0);
    const left = 1000 - shown;
    expect(md).toContain(`**${left} more objects not shown** (${left} changed): the preview reached GitHub's size limit. Not shown: \`apps/v1 Deployment shop/svc-${String(shown).padStart(4, "0")}\``);
    // Every object left out is named, or counted when even the names do not fit.
    const footer = md.slice(md.indexOf(`**${left} more objects`));
    const listed = (footer.match(/`apps\/v1 Deployment shop\/svc-\d+`/g) ?? []).length;
    if (listed < left) expect(footer).toContain(`and ${left - listed} more (all are in the JSON report: \`gitgate check --format json\`).`);
    else expect(listed).toBe(left);
    const small = renderPreviewMarkdown(report, 20_000);
    expect(small.length).toBeLessThanOrEqual(20_000);

    // The comment too: whole sections up to the limit, then those left out, named in order as far as
    // the room for the footer goes.
    const comment = renderComment(report);
    expect(comment.length).toBeLessThanOrEqual(65_536);
    const quiet = (comment.match(/<details>/g) ?? []).length;
    expect(quiet).toBeGreaterThan(10);
    expect((comment.match(/<\/details>/g) ?? []).length).toBe(quiet);
    const start = `\n**${1000 - quiet} more sections not shown**: the comment reached GitHub's size limit. Not shown: `;
    const list = comment.slice(comment.indexOf(start) + start.length);
    const named = [...list.matchAll(/`apps\/v1 Deployment shop\/svc-(\d+)`/g)].map((m) => Number(m[1]));
    expect(named).toEqual(Array.from({ length: named.length }, (_, i) => quiet + i));
    expect(list.endsWith(named.length === 1000 - quiet ? ". Everything is in the JSON report (`gitgate check --format json`).\n" : "… Everything is in the JSON report (`gitgate check --format json`).\n")).toBe(true);
  });

  it("still shows objects when even the names of those left out would fill the limit", async () => {
    // 2,500 names take more than 65,536 characters: room kept for all of them left none for objects.
    const many = Array.from({ length: 2500 }, (_, i) => deployment({ name: `svc-${String(i).padStart(4, "0")}`, replicas: 2 })).join("---\n");
    const report = await evaluate({ ".github/gitgate.yml": config, "clusters/prod/all.yaml": many }, { "clusters/prod/all.yaml": many.replaceAll("replicas: 2", "replicas: 3") });
    for (const [text, limit, unit] of [[renderPreviewMarkdown(report), 65_536, "objects"], [renderComment(report), 65_536, "sections"], [renderPreviewMarkdown(report, 20_000), 20_000, "objects"]] as const) {
      expect(text.length).toBeLessThanOrEqual(limit);
      const shown = (text.match(/<details>/g) ?? []).length;
      // At least half the room goes to objects; the footer counts those it cannot name.
      expect(shown).toBeGreaterThan(limit / 2 / 200);
      expect(text).toMatch(new RegExp(`and \\d+ more \\(all are in the JSON report|\\d+ more ${unit} not shown`));
    }
  });
});
