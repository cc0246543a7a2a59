import { describe, expect, it } from "vitest";
import { looksLikeSecret, mayHoldSecretRuns, secretRuns } from "../../../src/engine/secrets/secret-patterns.js";

const alnum = (length: number) => "aB3dE6gH9k".repeat(Math.ceil(length / 10)).slice(0, length);

// One of each published format, as it would sit in a value or a line.
const secrets = [
  "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----",
  // Base64-encoded keys, as a ConfigMap or a kubeconfig holds them.
  ...["", "RSA ", "EC ", "DSA ", "OPENSSH ", "ENCRYPTED ", "PGP "].map((word) => Buffer.from(`-----BEGIN ${word}PRIVATE KEY${word === "PGP " ? " BLOCK" : ""}-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n`).toString("base64")),
  ...["ghp", "gho", "ghu", "ghs", "ghr"].map((prefix) => `${prefix}_${alnum(36)}`),
  `github_pat_${alnum(22)}_${alnum(59)}`,
  `glpat-${alnum(20)}`,
  ...["xoxb", "xoxp", "xoxa"].map((prefix) => `${prefix}-${alnum(12)}-${alnum(12)}`),
  "AKIAIOSFODNN7EXAMPLE",
  "ASIAIOSFODNN7EXAMPLE",
  `AIza${alnum(35)}`,
  `sk_live_${alnum(24)}`,
  `rk_live_${alnum(24)}`,
  `npm_${alnum(36)}`,
  `eyJ${alnum(16)}.eyJ${alnum(20)}.${alnum(30)}`,
  "postgres://app:s3cret-pass@db.internal:5432/app",
  // The shortest text any pattern matches.
  "a://b:c@d",
];

describe("secret patterns", () => {
  it.each(secrets)("find %s alone and inside a line", (secret) => {
    const line = `password for the thing is ${secret} (do not share)`;
    expect(looksLikeSecret(secret)).toBe(true);
    expect(looksLikeSecret(line)).toBe(true);
    expect(mayHoldSecretRuns(line)).toBe(true);
    expect([...line.matchAll(secretRuns)].map((m) => m[0]).join("")).toContain(secret.split("\n")[0]);
  });

  it("leave ordinary values alone", () => {
    // A certificate is public, base64-encoded or not.
    const certificate = Buffer.from("-----BEGIN CERTIFICATE-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n").toString("base64");
    for (const value of [certificate, "nginx:1.25", "https://example.com/path", "ghp", "AKIA", "eyJhbGciOiJIUzI1NiJ9", "light-weight", "replicas: 3"]) {
      expect(looksLikeSecret(value), value).toBe(false);
      expect([...value.matchAll(secretRuns)], value).toEqual([]);
    }
    expect(mayHoldSecretRuns("replicas: 3")).toBe(false);
  });
});
