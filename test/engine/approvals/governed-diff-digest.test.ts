import { describe, expect, it } from "vitest";
import { createMatcher } from "../../../src/config/check-globs.js";
import { governedDiffDigest } from "../../../src/engine/approvals/governed-diff-digest.js";
import type { ChangeSet, FileChange } from "../../../src/engine/change-set.js";

const text = (t: string) => ({ kind: "text" as const, text: t, size: t.length });
const governed = createMatcher(["clusters/**"]);
const change = (files: FileChange[], base = "b1", head = "h1"): ChangeSet => ({ base, head, files });
const web: FileChange = { path: "clusters/web.yaml", status: "modified", before: text("replicas: 1\n"), after: text("replicas: 2\n") };

describe("governed diff digest", () => {
  it("is the same for a rebased head that proposes the same governed change", () => {
    const readme: FileChange = { path: "README.md", status: "modified", before: text("a"), after: text("b") };
    expect(governedDiffDigest(change([web], "b2", "h2"), governed)).toBe(governedDiffDigest(change([readme, web]), governed));
  });

  it("changes with any byte of a governed file, its path or its status", () => {
    const digest = governedDiffDigest(change([web]), governed);
    expect(governedDiffDigest(change([{ ...web, after: text("replicas: 3\n") }]), governed)).not.toBe(digest);
    expect(governedDiffDigest(change([{ ...web, before: text("replicas: 0\n") }]), governed)).not.toBe(digest);
    expect(governedDiffDigest(change([{ ...web, path: "clusters/api.yaml" }]), governed)).not.toBe(digest);
    expect(governedDiffDigest(change([{ ...web, status: "renamed", previousPath: "clusters/old.yaml" }]), governed)).not.toBe(digest);
  });

  it("cannot vouch for files whose bytes it does not have", () => {
    expect(governedDiffDigest(change([{ ...web, after: { kind: "too-large", size: 9e6 } }]), governed)).toBeUndefined();
    expect(governedDiffDigest(change([{ ...web, before: { kind: "binary", size: 12 } }]), governed)).toBeUndefined();
  });
});
