/**
 * A resource quantity as the API server parses it (apimachinery's ParseQuantity): a signed decimal
 * number, then one suffix at most: binary `Ki Mi Gi Ti Pi Ei`, decimal `n u m k M G T P E`, or an
 * exponent `e3`/`E-2`. The schema package's own pattern took every SI prefix (`1h`, `2da`, `1Y`, `1p`),
 * none of which the API server accepts: `memory: 1h` passed and was refused at apply. No imports: the
 * CLI bundle builds it into the built-in kinds' own copy of their formats.
 * A RegExp, as the format it replaces is: the kinds' compiled validators call its `test`.
 */
export const kubernetesQuantity = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;
