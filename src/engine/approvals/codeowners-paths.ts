/** Where GitHub looks for a CODEOWNERS file, in its order (no dependency: the control plane's loader needs it too). */
export const codeOwnersPaths = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"] as const;
