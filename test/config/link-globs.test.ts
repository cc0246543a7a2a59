import { describe, expect, it } from "vitest";
import { createLinkMatcher, reachesBelow } from "../../src/config/link-globs.js";

describe("which symlinks and submodules are governed", () => {
  it("knows when a glob could match something below a folder", () => {
    expect(reachesBelow("**/*.yaml", "anything/at/all")).toBe(true);
    expect(reachesBelow("k8s/**", "k8s")).toBe(true);
    expect(reachesBelow("k8s/**/*.yaml", "k8s/apps/charts")).toBe(true);
    expect(reachesBelow("apps/*/values.yaml", "apps/web")).toBe(true);
    expect(reachesBelow("k8s/*.yaml", "k8s/charts")).toBe(false);
    expect(reachesBelow("k8s/**", "docs")).toBe(false);
    expect(reachesBelow("*.yaml", "charts")).toBe(false);
    expect(reachesBelow("apps/*/values.yaml", "apps/web/extra")).toBe(false);
    // A group spanning folders cannot be split: assume it reaches.
    expect(reachesBelow("{k8s,apps/prod}/*.yaml", "docs")).toBe(true);
  });

  it("governs a link whose own path is governed, or that could hold governed files, unless ignore names it", () => {
    const governed = createLinkMatcher(["k8s/**", "apps/*/values.yaml"], ["k8s/vendor/**", "k8s/docs"]);
    expect(governed("k8s/pod.yaml")).toBe(true);
    expect(governed("k8s/charts")).toBe(true);
    expect(governed("apps/web")).toBe(true);
    expect(governed("apps/web/values.yaml")).toBe(true);
    expect(governed("README.md")).toBe(false);
    expect(governed("k8s/vendor/lib")).toBe(false);
    expect(governed("k8s/vendor")).toBe(false);
    expect(governed("k8s/docs")).toBe(false);
    expect(createLinkMatcher(["**/*.yaml"], ["**"])("x")).toBe(false);
  });
});
