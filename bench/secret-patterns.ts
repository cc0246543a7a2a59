/**
 * Times the secret patterns and the scrubber on 1 MB texts of hostile shapes: every piece of every
 * pattern (prefixes, separators, the characters each repeated part accepts) repeated, alone and in
 * pairs. Quadratic backtracking shows as seconds; linear scanning as milliseconds.
 *   npx tsx bench/secret-patterns.ts
 */
import { looksLikeSecret, secretRuns } from "../src/engine/secrets/secret-patterns.js";
import { SecretSet } from "../src/engine/secrets/secret-set.js";
import { createSensitivity } from "../src/engine/secrets/sensitive-paths.js";

const size = 1024 * 1024;
const prefixes = ["ghp_", "github_pat_", "glpat-", "xoxb-", "AKIA", "AIza", "sk_live_", "npm_", "eyJ", "a://", "a://u:", "-----BEGIN ", "-----END ", "PRIVATE KEY-----", "LS0tLS1CRUdJTiB", "LS0tLS1CRUdJTiBQUklWQVRFIEtF", "A ", "http"];
const separators = ["", ".", "-", "_", ":", "@", "/", " ", "a", "A", "0", "=", "\n", "•"];
const units = new Set<string>();
for (const p of prefixes) for (const s of separators) units.add(p + s);
for (const a of prefixes) for (const b of prefixes) units.add(a + b);
for (const s of separators) for (const t of separators) units.add("a" + s + t);

const secrets = new SecretSet();
const sensitivity = createSensitivity([], () => false);
secrets.addDocument("k8s/s.yaml", { kind: "Secret", stringData: { a: "Correct-horse-battery-staple", b: 'quo"ted\\value-123', c: "short1" } }, sensitivity);

let worst = { unit: "", ms: 0 };
const started = performance.now();
for (const unit of units) {
  const text = unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  const t = performance.now();
  looksLikeSecret(text);
  text.replace(secretRuns, "•••");
  secrets.scrub(text);
  const ms = performance.now() - t;
  if (ms > worst.ms) worst = { unit, ms };
}
console.log(`${units.size} shapes of 1 MB in ${((performance.now() - started) / 1000).toFixed(1)} s; slowest ${JSON.stringify(worst.unit)}: ${worst.ms.toFixed(0)} ms (looksLikeSecret + pattern scrub + SecretSet.scrub)`);
