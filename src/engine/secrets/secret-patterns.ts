/**
 * Formats that are secrets wherever they appear, whatever the key: private keys, and tokens whose
 * prefixes their issuers publish so that leaks can be found. A value matching one is masked in every
 * output even outside a Kubernetes Secret.
 *
 * Every pattern must run in linear time on any input, because every value and every line of a change
 * goes through them: a pattern can only be tried from few places, and from each place it scans a
 * bounded stretch or a stretch no other try of it scans. Concretely: a repeated part may not be able to
 * contain the pattern's own start (or it is bounded), and nothing nests. A 1 MB value of any shape
 * must scrub in milliseconds; `bench/secret-patterns.ts` measures the shapes that broke earlier versions.
 */
interface SecretPattern {
  pattern: RegExp;
  /**
   * Text holding none of these cannot match: every value and every line is checked, most hold no
   * secret, and a substring search is far cheaper than trying a pattern from every position.
   */
  needles: readonly string[];
}

const patterns: readonly SecretPattern[] = [
  // At most four words before PRIVATE KEY ("ENCRYPTED", "RSA", "OPENSSH", "PGP"); the body up to the end marker.
  {
    pattern: /-----BEGIN (?:[A-Z0-9]{1,16} ){0,4}PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]{1,16} ){0,4}PRIVATE KEY(?: BLOCK)?-----|$)/,
    needles: ["-----BEGIN "],
  },
  // The same keys base64-encoded, as YAML usually holds them (a ConfigMap's `tls.key`, a kubeconfig's
  // `client-key-data`): the encoded "-----BEGIN <word> PRIVATE KEY" of each word above, as the value
  // starts with it. A certificate's encoded header shares the needle, not the words: it stays visible.
  {
    pattern: /LS0tLS1CRUdJTiB(?:QUklWQVRFIEtF|SU0EgUFJJVkFURSBL|FQyBQUklWQVRFIEtF|EU0EgUFJJVkFURSBL|PUEVOU1NIIFBSSVZBVEUgS0VZ|FTkNSWVBURUQgUFJJVkFURSBL|QR1AgUFJJVkFURSBL)[A-Za-z0-9+/=_-]*/,
    needles: ["LS0tLS1CRUdJTiB"],
  },
  { pattern: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}\b/, needles: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"] }, // GitHub tokens
  { pattern: /\bgithub_pat_[A-Za-z0-9_]{40,}\b/, needles: ["github_pat_"] },
  { pattern: /\bglpat-[A-Za-z0-9_-]{20,}\b/, needles: ["glpat-"] }, // GitLab
  { pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/, needles: ["xox"] }, // Slack
  { pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, needles: ["AKIA", "ASIA"] }, // AWS access key ids
  { pattern: /\bAIza[0-9A-Za-z_-]{35}\b/, needles: ["AIza"] }, // Google API keys
  { pattern: /\b(?:sk|rk)_live_[0-9A-Za-z]{20,}\b/, needles: ["_live_"] }, // Stripe
  { pattern: /\bnpm_[A-Za-z0-9]{36}\b/, needles: ["npm_"] },
  // JWTs. The header may not run on across "-eyJ", where another try starts ("-eyJ-eyJ-eyJ…" was quadratic).
  { pattern: /\beyJ(?:[A-Za-z0-9_]|-(?!eyJ)){8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/, needles: ["eyJ"] },
  // URLs with a password. The scheme is bounded (RFC 3986 allows any length; real ones are short):
  // unbounded, every letter of "a.a.a.a…" started a scan to the end of the text.
  { pattern: /\b[A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/[^\s:/@]+:[^\s@/]+@[^\s]+/, needles: ["://"] },
];

// Any needle of any pattern, in one expression: V8 searches literal alternatives far faster than it
// tries every pattern (or calls includes for each needle), and most values hold none.
const anyNeedle = new RegExp(patterns.flatMap((p) => p.needles).map((needle) => needle.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("|"));

/**
 * No pattern matches a shorter text: the shortest match is a URL with a password (`a://b:c@d`), the
 * others need 20 characters or more. Most keys and many values of a manifest are shorter.
 */
const shortestSecret = 9;

export function looksLikeSecret(value: string): boolean {
  return mayHoldSecretRuns(value) && patterns.some((p) => p.pattern.test(value));
}

/** False when no secret pattern can match anywhere in `text` (then secretRuns finds nothing). */
export function mayHoldSecretRuns(text: string): boolean {
  return text.length >= shortestSecret && anyNeedle.test(text);
}

/** Every secret-looking run in a text, for scrubbing free text such as messages and source lines. */
export const secretRuns = new RegExp(patterns.map((p) => p.pattern.source).join("|"), "g");
