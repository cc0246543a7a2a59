import { describe, expect, it } from "vitest";
import { extendConfig } from "../../src/config/extend-config.js";
import { loadConfig } from "../../src/config/load-config.js";

describe("kubernetes_version", () => {
  it("defaults to the newest release Gitgate ships schemas for", () => {
    expect(loadConfig("version: 1\n").config!.kubernetesVersion).toBe("1.36");
  });

  it("is the repository's own when it extends an organisation config that sets another", () => {
    const inherited = loadConfig("version: 1\nkubernetes_version: '1.30'\n").config!;
    const own = loadConfig("version: 1\n_extends: .github\nkubernetes_version: '1.33'\n").config!;
    expect(extendConfig(inherited, own, ["_extends", "kubernetes_version"]).kubernetesVersion).toBe("1.33");
    expect(extendConfig(inherited, own, ["_extends"]).kubernetesVersion).toBe("1.30");
  });
});
