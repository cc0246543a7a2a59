/**
 * The `byte` format of the built-in kinds (a Secret's `data`) as the API server reads it: Go's standard
 * base64 with padding, where line breaks are skipped (encoding/json decodes `[]byte` with
 * base64.StdEncoding, which ignores `\r` and `\n`). kustomize writes a generated Secret's long values
 * over several lines, so a check without line breaks failed every certificate a secretGenerator holds.
 * No imports: the CLI bundle builds it into the built-in kinds' own copy of their formats.
 */
export function isKubernetesBase64(value: string): boolean {
  return /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(value.replace(/[\r\n]/g, ""));
}

/**
 * The `byte` format of a CRD's schema as the API server checks it: kube-openapi's strfmt, with
 * govalidator's pattern: whole groups of four, no line breaks, and not empty.
 */
export function isOpenApiBase64(value: string): boolean {
  return /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/.test(value);
}
