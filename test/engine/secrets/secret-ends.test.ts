import { describe, expect, it } from "vitest";
import { isSecretPath, lastAppliedAnnotation, mayTurnSecretAt } from "../../../src/engine/secrets/sensitive-paths.js";
import { isContainer } from "../../../src/engine/value-tree.js";
import { maskValue } from "../../../src/engine/secrets/mask-value.js";
import { createSensitivity } from "../../../src/engine/secrets/sensitive-paths.js";

// The preview judges a node below a value only when its key may turn a path secret (mayTurnSecretAt):
// judged from the root each, the nodes of a document nested deep under long keys took a minute. That
// is sound only while every condition of isSecretPath ends on such a key: this walks documents holding
// every kind of secret place and checks each path that turns secret where its parent's is not.
const helm = { values: "a: 1\n", valuesObject: { b: { c: [1, 2] } }, parameters: [{ name: "p", value: "v" }] };
const documents: Record<string, unknown> = {
  secret: { apiVersion: "v1", kind: "Secret", data: { a: "eA==" }, stringData: { b: "x" } },
  // Typos of data and stringData: the API server drops or refuses them, but they hold the secrets meant.
  secretTypos: { apiVersion: "v1", kind: "Secret", metadata: { name: "db" }, type: "Opaque", stringdata: { b: "x" }, datas: { a: ["eA=="] }, Data: "x" },
  // stringData indented one level too deep, under metadata or under type; a kind in another case.
  secretMisplaced: { apiVersion: "v1", Kind: " secret", metadata: { name: "db", labels: { a: "b" }, stringData: { b: "x" } }, type: { stringData: { c: "y" } } },
  // kubectl reads a SecretList's items that name no kind as Secrets.
  secretList: { apiVersion: "v1", kind: "SecretList", items: [{ metadata: { name: "a" }, stringData: { b: "x" } }, { kind: "ConfigMap", data: { c: "d" } }, { kind: null, password: "p" }, { kind: " ", password: "q" }] },
  list: { apiVersion: "v1", kind: "List", items: [{ apiVersion: "v1", kind: "Secret", stringData: { b: ["x", { y: 1 }] } }] },
  application: { apiVersion: "argoproj.io/v1alpha1", kind: "Application", spec: { source: { helm }, sources: [{ helm }, { chart: "c" }] } },
  applicationSet: {
    apiVersion: "argoproj.io/v1alpha1", kind: "ApplicationSet",
    spec: {
      template: { spec: { sources: [{ helm }] } },
      templatePatch: "spec: {}\n",
      generators: [{ matrix: { generators: [{ list: { elements: [{ a: 1 }], template: { spec: { source: { helm } } } } }] } }],
    },
  },
  helmRelease: { apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", spec: { values: { auth: { password: "x" } } } },
  fluxV1: { apiVersion: "helm.fluxcd.io/v1", kind: "HelmRelease", spec: { values: { auth: ["x"] } } },
  lastApplied: { apiVersion: "v1", kind: "ConfigMap", metadata: { annotations: { [lastAppliedAnnotation]: "{}" } }, data: { a: "b" } },
  kustomization: { secretGenerator: [{ name: "s", literals: ["A=b"] }], configMapGenerator: [{ name: "c", literals: ["A=b"] }] },
  // Kustomize reads its fields whatever their case.
  kustomizationCased: { SecretGenerator: [{ name: "s", Literals: ["A=b"] }] },
  inlinePatches: {
    patches: [{ target: { kind: "Deployment" }, patch: "- op: add\n  path: /a\n  value: 1\n" }, { target: { kind: "Secret" }, patch: "- op: add\n  path: /stringData/a\n  value: b\n" }],
    PatchesJson6902: [{ target: { name: "db" }, Patch: "[]" }],
  },
};

/** Every path of `value`, with the node it is a key of. */
function* paths(value: unknown, segments: string[] = [], parent: unknown = undefined): Generator<[string[], unknown]> {
  yield [segments, parent];
  if (!isContainer(value)) return;
  for (const [key, child] of Object.entries(value)) yield* paths(child, [...segments, key], value);
}

describe("where a path first turns secret", () => {
  it.each(Object.keys(documents))("%s: only at a key mayTurnSecretAt names", (name) => {
    const doc = documents[name];
    const turns: string[] = [];
    for (const [segments, parent] of paths(doc)) {
      if (segments.length === 0 || !isSecretPath(doc, segments) || isSecretPath(doc, segments.slice(0, -1))) continue;
      turns.push(segments.join("/"));
      expect(mayTurnSecretAt(segments.at(-1)!, parent, [segments.at(-2), segments.at(-3)]), segments.join("/")).toBe(true);
    }
    // Each document has somewhere secret, or the walk checked nothing (the ConfigMap's data is not).
    expect(turns.length).toBeGreaterThan(0);
  });
});

// The preview masks a value where it sits: often not a whole document but a map inside one, whose
// keys above it are its place's pointer. A map shown whole must be masked as the document is.
describe("a value shown where it sits in its document", () => {
  const sensitivity = createSensitivity([], () => false);
  it.each([
    ["a Secret's metadata in a List, with a key misplaced under it", { kind: "List", items: [{ kind: "Secret", metadata: { name: "db", pin: "4821" } }] }, "/items/0/metadata", "4821", "db"],
    ["a SecretList's kind-less item, with a misspelt field", { kind: "SecretList", items: [{ metadata: { name: "a" }, password: "K9!pw" }] }, "/items/0", "K9!pw", "a"],
  ])("%s", (_name, doc, pointer, hidden, shown) => {
    const value = pointer.split("/").slice(1).reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], doc);
    const masked = JSON.stringify(maskValue(value, [{ doc, pointer }], "k8s/l.yaml", sensitivity));
    expect(masked).not.toContain(hidden);
    expect(masked).toContain(`"name":"${shown}"`);
  });
});
