import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { slug } from "github-slugger";
import { marked, type Tokens } from "marked";
import { describe, expect, it } from "vitest";
import { renderSarif } from "../../src/render/render-sarif.js";
import { ruleCatalog, ruleDocOf } from "../../src/render/rules/rule-catalog.js";
import { renderRulesDoc } from "../../src/render/rules/render-rules-doc.js";
import { evaluate } from "../support/evaluate.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const committed = readFileSync(join(root, "docs/rules.md"), "utf8");

/** The anchors GitHub gives the headings of docs/rules.md. */
function anchors(markdown: string): string[] {
  return marked.lexer(markdown).filter((t): t is Tokens.Heading => t.type === "heading").map((h) => slug(h.text));
}

/** Every string literal in src/ that is shaped like one of the engine's rule ids. */
function ruleIdsInSource(): Set<string> {
  const ids = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".generated.ts")) {
        for (const m of readFileSync(path, "utf8").matchAll(/["`]((?:file|yaml|json|schema|config|exceptions|render)\/[a-z0-9-]+)["`]/g)) ids.add(m[1]!);
      }
    }
  };
  walk(join(root, "src"));
  return ids;
}

describe("docs/rules.md", () => {
  it("is what the rule metadata generates (run `npm run generate:rules` after changing a rule)", () => {
    expect(committed).toBe(renderRulesDoc());
  });

  it("has one section per built-in rule, each with its own anchor", () => {
    const found = anchors(committed);
    expect(new Set(found).size).toBe(found.length);
    for (const rule of ruleCatalog()) expect(found, rule.id).toContain(slug(rule.id));
    // The packs' rules come from their METADATA annotations.
    for (const id of ["k8s/image-tag", "k8s/load-balancer", "gitops/argocd-self-heal", "gitops/argocd-prune", "gitops/imperative-deploy"]) {
      expect(ruleDocOf(id)?.group, id).toMatch(/^Built-in pack/);
    }
  });

  it("documents every rule id the engine can report", () => {
    const missing = [...ruleIdsInSource()].filter((id) => !ruleDocOf(id));
    expect(missing).toEqual([]);
  });

  it("is where SARIF's helpUri points, at anchors that exist", async () => {
    const report = await evaluate(
      { ".github/gitgate.yml": "version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\npolicies:\n  builtin: [kubernetes]\n" },
      { "k8s/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  replicas: 1\n  containers:\n    - name: c\n      image: nginx\n" },
    );
    const rules = JSON.parse(renderSarif(report)).runs[0].tool.driver.rules as { id: string; helpUri?: string }[];
    expect(rules.map((r) => r.id)).toEqual(expect.arrayContaining(["k8s/image-tag", "schema/unknown-field"]));
    const found = new Set(anchors(committed));
    for (const rule of rules) {
      expect(rule.helpUri, rule.id).toMatch(/^https:\/\/github\.com\/gitgate\/gitgate\/blob\/main\/docs\/rules\.md#/);
      expect(found.has(rule.helpUri!.split("#")[1]!), `${rule.id} → ${rule.helpUri}`).toBe(true);
    }
  });
});
