/**
 * Formats that are secrets wherever they appear, whatever the key: private keys, and tokens whose
 * prefixes their issuers publish so that leaks can be found. A value matching one is masked in every
 * output even outside a Kubernetes Secret.
 */
const patterns: readonly RegExp[] = [
  /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/,
  /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}\b/, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{40,}\b/,
  /\bglpat-[A-Za-z0-9_-]{20,}\b/, // GitLab
  /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/, // Slack
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, // AWS access key ids
  /\bAIza[0-9A-Za-z_-]{35}\b/, // Google API keys
  /\b(?:sk|rk)_live_[0-9A-Za-z]{20,}\b/, // Stripe
  /\bnpm_[A-Za-z0-9]{36}\b/,
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/, // JWTs
  /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:[^\s@/]+@[^\s]+/i, // URLs with a password
];

export function looksLikeSecret(value: string): boolean {
  return patterns.some((pattern) => pattern.test(value));
}

/** Every secret-looking run in a text, for scrubbing free text such as messages and source lines. */
export const secretRuns = new RegExp(patterns.map((p) => p.source).join("|"), "gi");
