/**
 * The `byte` format (a Secret's `data`, a CRD field typed so) as the API server reads it: Go's standard
 * base64 with padding, where line breaks are skipped (encoding/json decodes `[]byte` with
 * base64.StdEncoding, which ignores `\r` and `\n`). kustomize writes a generated Secret's long values
 * over several lines, so a check without line breaks failed every certificate a secretGenerator holds.
 * No imports: the CLI bundle builds it into the built-in kinds' own copy of their formats.
 */
export function isKubernetesBase64(value: string): boolean {
  return /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(value.replace(/[\r\n]/g, ""));
}
