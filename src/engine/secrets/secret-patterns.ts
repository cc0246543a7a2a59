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
const patterns: readonly RegExp[] = [
  // At most four words before PRIVATE KEY ("ENCRYPTED", "RSA", "OPENSSH", "PGP"); the body up to the end marker.
  /-----BEGIN (?:[A-Z0-9]{1,16} ){0,4}PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]{1,16} ){0,4}PRIVATE KEY(?: BLOCK)?-----|$)/,
  /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}\b/, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{40,}\b/,
  /\bglpat-[A-Za-z0-9_-]{20,}\b/, // GitLab
  /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/, // Slack
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, // AWS access key ids
  /\bAIza[0-9A-Za-z_-]{35}\b/, // Google API keys
  /\b(?:sk|rk)_live_[0-9A-Za-z]{20,}\b/, // Stripe
  /\bnpm_[A-Za-z0-9]{36}\b/,
  // JWTs. The header may not run on across "-eyJ", where another try starts ("-eyJ-eyJ-eyJ…" was quadratic).
  /\beyJ(?:[A-Za-z0-9_]|-(?!eyJ)){8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/,
  // URLs with a password. The scheme is bounded (RFC 3986 allows any length; real ones are short):
  // unbounded, every letter of "a.a.a.a…" started a scan to the end of the text.
  /\b[A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/[^\s:/@]+:[^\s@/]+@[^\s]+/,
];

export function looksLikeSecret(value: string): boolean {
  return patterns.some((pattern) => pattern.test(value));
}

/** Every secret-looking run in a text, for scrubbing free text such as messages and source lines. */
export const secretRuns = new RegExp(patterns.map((p) => p.source).join("|"), "g");
