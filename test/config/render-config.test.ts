import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.js";

describe("render: in the config", () => {
  it("renders by default: discovered targets, no network, bounded", () => {
    expect(loadConfig("version: 1\n").config?.render).toEqual({ enabled: true, discover: true, network: false, kustomize: [], helm: [], timeoutMs: 30_000, memoryMiB: 512 });
  });

  it("is turned off with render: false", () => {
    expect(loadConfig("version: 1\nrender: false\n").config?.render).toMatchObject({ enabled: false });
  });

  it("lists targets, with where each is written", () => {
    const text = "version: 1\nrender:\n  discover: false\n  network: true\n  kustomize: [clusters/prod/]\n  helm:\n    - chart: charts/web\n      values: [envs/prod/web.yaml]\n      release: web\n      namespace: web\n  timeout_seconds: 10\n  memory_mib: 256\n";
    const { config, errors } = loadConfig(text);
    expect(errors).toEqual([]);
    expect(config?.render).toEqual({
      enabled: true, discover: false, network: true, timeoutMs: 10_000, memoryMiB: 256,
      kustomize: [{ path: "clusters/prod", at: { line: 5, column: 15, endLine: 5, endColumn: 29 } }],
      helm: [{ chart: "charts/web", values: ["envs/prod/web.yaml"], release: "web", namespace: "web", at: { line: 7, column: 14, endLine: 7, endColumn: 24 } }],
    });
  });

  it("reports a mistake on its exact line", () => {
    const brief = (text: string) => loadConfig(text).errors.map((e) => `${e.rule} ${e.line}:${e.column} ${e.message}`);
    expect(brief("version: 1\nrender:\n  netwrok: true\n")).toEqual(["config/unknown-key 3:3 render.netwrok: unknown property (not allowed by the schema)"]);
    expect(brief("version: 1\nrender:\n  helm:\n    - values: [a.yaml]\n")).toEqual(["config/invalid 4:7 render.helm[0]: missing required property \"chart\""]);
    expect(brief("version: 1\nrender:\n  kustomize: [../elsewhere]\n")).toEqual(["config/invalid 3:15 render path \"../elsewhere\" must be relative to the repository root, inside it"]);
    expect(brief("version: 1\nrender: true\n")).toEqual(["config/invalid 2:9 render must be false"]);
  });
});
