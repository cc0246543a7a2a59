import { Schema, type ScalarTag } from "yaml";

const dropped = new Set(["binary", "omap", "pairs", "set", "timestamp"].map((name) => `tag:yaml.org,2002:${name}`));

/** `.inf`, `-.inf`, `.nan` in their YAML 1.1 spellings: the same in go-yaml v2 and the `yaml` package. */
function floatNaN(tags: unknown[]): ScalarTag {
  const tag = tags.find((t): t is ScalarTag => typeof t === "object" && t !== null && (t as ScalarTag).tag === "tag:yaml.org,2002:float" && (t as ScalarTag).test?.source.includes("nan") === true);
  if (!tag) throw new Error("yaml package without a YAML 1.1 .nan/.inf tag");
  return tag;
}

/** A RegExp whose `test` is any predicate: the `yaml` package only ever calls `test` on a tag's pattern. */
class Predicate extends RegExp {
  constructor(private readonly accepts: (text: string) => boolean) {
    super("");
  }
  override test(text: string): boolean {
    return this.accepts(text);
  }
}

const goIntForm = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const goFloatForm = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const int64Min = -(2n ** 63n);
const uint64Max = 2n ** 64n - 1n;

/** What go-yaml v2 reads a plain scalar as, when it is a number; undefined when it stays a string. */
export function goYamlNumber(text: string): { kind: "int" | "float"; value: number } | undefined {
  // go-yaml v2 only tries numbers for scalars that start with a sign, a digit or a dot.
  if (!/^[-+.0-9]/.test(text)) return undefined;
  // A leading dot goes straight to ParseFloat, which takes no underscores without a base prefix.
  if (text.startsWith(".")) return /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/.test(text) ? { kind: "float", value: Number(text) } : undefined;
  const plain = text.replace(/_/g, "");
  const int = goIntForm.exec(plain);
  if (int) {
    const digits = int[2]!;
    const magnitude = /^0[0-7]+$/.test(digits) ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits.toLowerCase());
    const value = int[1] === "-" ? -magnitude : magnitude;
    // ParseInt, then ParseUint (no sign): past both, a decimal is still a float; other bases are not.
    if (value >= int64Min && value <= uint64Max && !(int[1] !== "" && value > 2n ** 63n - 1n)) return { kind: "int", value: Number(value) || 0 };
  }
  if (goFloatForm.test(plain)) return { kind: "float", value: Number(plain) || 0 };
  return undefined;
}

const goInt: ScalarTag = {
  identify: (value) => typeof value === "bigint" || Number.isInteger(value),
  default: true,
  tag: "tag:yaml.org,2002:int",
  test: new Predicate((text) => goYamlNumber(text)?.kind === "int"),
  resolve: (text) => goYamlNumber(text)!.value,
};

const goFloat: ScalarTag = {
  identify: (value) => typeof value === "number",
  default: true,
  tag: "tag:yaml.org,2002:float",
  // Any number: an explicit `!!float 3` is the float 3 to go-yaml v2. A plain `3` is goInt's, tried first.
  test: new Predicate((text) => goYamlNumber(text) !== undefined),
  resolve: (text) => goYamlNumber(text)!.value,
};

/**
 * The YAML 1.1 reading of kubectl, Argo CD, Helm and Flux: they decode manifests with
 * sigs.k8s.io/yaml, which is go-yaml v2 (YAML 1.1) into untyped maps, then JSON. The `yaml` package's
 * own `yaml-1.1` schema is close but not the same, so its scalar rules are replaced by go-yaml v2's:
 *
 * - booleans: y Y yes Yes YES on On ON true True TRUE → true; n N no No NO off Off OFF false False FALSE → false;
 * - null: empty, ~, null, Null, NULL; floats .inf/.nan as in YAML 1.1;
 * - integers: Go's `strconv.ParseInt(s, 0, 64)` after removing every `_`: `0755` is octal (493), and
 *   `0o755`, `0x1F`, `0b101` are read too; a decimal past 64 bits becomes a float, other forms stay strings;
 * - floats: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$` (so `08` is 8);
 * - `<<` merge keys are merged;
 * - NOT read, unlike the `yaml` package's 1.1 schema: sexagesimal numbers (`1:30` stays a string) and
 *   timestamps (go-yaml v2 hands an untyped `2024-01-01` back as the string);
 * - explicit `!!binary`, `!!omap`, `!!pairs`, `!!set`, `!!timestamp` tags are not resolved: an error,
 *   as any tag the cluster would not read the same way.
 */
export const kubectlYamlSchema = new Schema({
  schema: "yaml-1.1",
  merge: true,
  resolveKnownTags: false,
  customTags: (tags) => [
    ...tags.filter((tag) => typeof tag === "object" && !dropped.has(tag.tag) && tag.tag !== "tag:yaml.org,2002:int" && tag.tag !== "tag:yaml.org,2002:float"),
    floatNaN(tags),
    goInt,
    goFloat,
  ],
});
