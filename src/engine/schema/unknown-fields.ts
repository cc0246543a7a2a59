import { joinPointer } from "../parse/locate.js";
import { strippedFields } from "./kubernetes-stripped-fields.generated.js";
import type { SchemaError, ValidateFunction } from "./schema-error.js";

/** A key the schema does not declare, with the keys it does declare at the same level. */
export interface UnknownField {
  /** Pointer of the unknown key itself. */
  pointer: string;
  key: string;
  known: string[];
}

export interface StrictResult {
  errors: SchemaError[];
  unknown: UnknownField[];
}

/**
 * Validates `value` and also finds the keys no schema declares, the way kubeconform's `-strict` schemas
 * (every object schema with `properties` closed by `additionalProperties: false`) and the API server's
 * strict field validation reject them.
 *
 * The kubernetes-models validators are ajv code compiled ahead of time: there is no JSON Schema left to
 * close. So the validator is run on a proxy of the document that records which keys it reads on each
 * object. A compiled `properties` check reads exactly its declared keys; a map (`additionalProperties`
 * with a schema, e.g. labels) enumerates the object's own keys; a free-form object
 * (`x-kubernetes-preserve-unknown-fields`, RawExtension) is not read at all. So an object whose keys
 * were read but not enumerated has a closed set of fields, and its other keys are unknown. This costs
 * about three plain validations and needs no copy of the schemas. The few real fields the compiled
 * validators never read (see `strippedFields`) are added back by the type's signature.
 */
export function validateStrictly(validate: ValidateFunction, value: unknown): StrictResult {
  const reads = new Map<object, Set<string>>();
  const enumerated = new WeakSet<object>();
  const proxies = new WeakMap<object, object>();
  const watch = (target: unknown): unknown => {
    if (target === null || typeof target !== "object") return target;
    const known = proxies.get(target);
    if (known) return known;
    const keys = new Set<string>();
    reads.set(target, keys);
    const read = (key: string | symbol) => {
      if (typeof key === "string") keys.add(key);
    };
    const proxy = new Proxy(target, {
      get(t, key) {
        read(key);
        return watch(Reflect.get(t, key));
      },
      has(t, key) {
        read(key);
        return Reflect.has(t, key);
      },
      getOwnPropertyDescriptor(t, key) {
        read(key);
        return Reflect.getOwnPropertyDescriptor(t, key);
      },
      ownKeys(t) {
        enumerated.add(t);
        return Reflect.ownKeys(t);
      },
    });
    proxies.set(target, proxy);
    return proxy;
  };
  const valid = validate(watch(value));
  const errors = valid ? [] : [...(validate.errors ?? [])];
  const unknown: UnknownField[] = [];
  const visit = (node: unknown, segments: (string | number)[]) => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, [...segments, i]));
      return;
    }
    const keys = reads.get(node);
    const closed = keys !== undefined && keys.size > 0 && !enumerated.has(node);
    let declared: string[] | undefined;
    for (const [key, child] of Object.entries(node)) {
      if (closed && !keys.has(key) && !(declared ??= declaredFields(keys)).includes(key)) {
        unknown.push({ pointer: joinPointer([...segments, key]), key, known: declared });
        continue; // nothing under an unknown key was validated: its contents say nothing more
      }
      visit(child, [...segments, key]);
    }
  };
  visit(value, []);
  return { errors, unknown };
}

/** The fields a type declares, from the ones its validator read. Only computed for an object with an unknown key. */
function declaredFields(read: ReadonlySet<string>): string[] {
  const fields = [...read].sort();
  const signature = fields.join(",");
  return Object.hasOwn(strippedFields, signature) ? [...fields, ...strippedFields[signature]!].sort() : fields;
}
