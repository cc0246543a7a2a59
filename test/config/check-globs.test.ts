import { describe, expect, it } from "vitest";
import { createMatcher, globProblem } from "../../src/config/check-globs.js";

describe("createMatcher", () => {
  it("matches many stars against long names in linear time", () => {
    const matches = createMatcher(["**/*.{yml,yaml}"], ["**/*-*-*-*-*.yml"]);
    const long = "-".repeat(1_000);
    // picomatch's backtracking regex needs about n⁵ steps for these names: hours at 1,000 dashes.
    expect([`x${long}.yaml`, `d/x${long}.yaml`, `x${long}.yml`, `a-b-c-d-e.yml`, "a-b.yml"].map(matches)).toEqual([true, true, false, false, true]);
  });

  it("keeps picomatch's meaning: dotfiles, braces, classes, extglobs", () => {
    const matches = createMatcher([".github/**", "apps/*/values.{yml,yaml}", "k8s/[a-c]?.yaml", "x/+(a|b).yml"]);
    expect([".github/gitgate.yml", "apps/web/values.yaml", "apps/a/b/values.yaml", "k8s/b1.yaml", "k8s/d1.yaml", "x/abba.yml", "x/c.yml"].map(matches))
      .toEqual([true, true, false, true, false, true, false]);
  });
});

describe("createMatcher on names git allows", () => {
  it("lets ** and * cross a line break in a name, as in any other character", () => {
    const matches = createMatcher(["k8s/**", "apps/*.yaml"]);
    expect(["k8s/evil\n.yaml", "k8s/a\nb/c.yaml", "apps/x\ny.yaml"].map(matches)).toEqual([true, true, true]);
  });
});

describe("globProblem", () => {
  it("refuses negated globs, which cannot be matched in linear time", () => {
    expect(globProblem("!(secret).yaml")).toBe('invalid glob "!(secret).yaml": negated patterns (a leading "!" or "!(…)") are not supported');
    expect(globProblem("!vendor/**")).toMatch(/negated patterns/);
    expect(globProblem("**/*-*-*-*-*.yml")).toBeUndefined();
  });

  it("judges a glob the same however often it is given, and among however many others", () => {
    // Compiled globs are kept (linear-glob.ts), within a bound: a refused one is refused every time,
    // and a kept one matches as it did once the bound has made room for others.
    expect(globProblem("!vendor/**")).toMatch(/negated patterns/);
    expect(globProblem("!vendor/**")).toMatch(/negated patterns/);
    const matches = createMatcher(["apps/*/values.{yml,yaml}"]);
    for (let i = 0; i < 300; i++) expect(globProblem(`team-${i}/${"x".repeat(300)}/**`)).toBeUndefined();
    expect(["apps/web/values.yaml", "apps/web/values.json"].map(matches)).toEqual([true, false]);
    expect(["apps/web/values.yaml", "apps/web/values.json"].map(createMatcher(["apps/*/values.{yml,yaml}"]))).toEqual([true, false]);
  });
});
