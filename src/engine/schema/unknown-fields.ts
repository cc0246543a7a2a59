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
  const root = newPlace();
  const valid = validate(watch(value, root));
  const errors = valid ? [] : [...(validate.errors ?? [])];
  const unknown: UnknownField[] = [];
  const visit = (node: unknown, place: Place | undefined, segments: (string | number)[]) => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, place?.children?.get(String(i))?.place, [...segments, i]));
      return;
    }
    const keys = place?.keys;
    const closed = keys !== undefined && keys.size > 0 && !place!.enumerated;
    let declared: string[] | undefined;
    for (const [key, child] of Object.entries(node)) {
      if (closed && !keys.has(key) && !(declared ??= declaredFields(keys)).includes(key)) {
        unknown.push({ pointer: joinPointer([...segments, key]), key, known: declared });
        continue; // nothing under an unknown key was validated: its contents say nothing more
      }
      visit(child, place?.children?.get(key)?.place, [...segments, key]);
    }
  };
  visit(value, root, []);
  return { errors, unknown };
}

/**
 * What the validator did at one place of the document: the keys it read and whether it enumerated
 * them. Kept per place, not per object: a YAML alias puts one object at two places (a map of
 * annotations and a securityContext, say), and what one schema does there says nothing of the other.
 */
interface Place {
  keys: Set<string>;
  enumerated: boolean;
  children?: Map<string, { target: object; place: Place; proxy: object }>;
}

function newPlace(): Place {
  return { keys: new Set(), enumerated: false };
}

/** `target` as the validator sees it at `place`: every key it reads or enumerates is recorded there. */
function watch(target: unknown, place: Place): unknown {
  if (target === null || typeof target !== "object") return target;
  const read = (key: string | symbol) => {
    if (typeof key === "string") place.keys.add(key);
  };
  return new Proxy(target, {
    get(t, key) {
      read(key);
      const child: unknown = Reflect.get(t, key);
      if (typeof key !== "string" || child === null || typeof child !== "object") return child;
      // The same place read again gets the same proxy, so its reads add up.
      place.children ??= new Map();
      const known = place.children.get(key);
      if (known?.target === child) return known.proxy;
      const at = newPlace();
      const proxy = watch(child, at) as object;
      place.children.set(key, { target: child, place: at, proxy });
      return proxy;
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
      place.enumerated = true;
      return Reflect.ownKeys(t);
    },
  });
}

/** The fields a type declares, from the ones its validator read. Only computed for an object with an unknown key. */
function declaredFields(read: ReadonlySet<string>): string[] {
  const fields = [...read].sort();
  const signature = fields.join(",");
  return Object.hasOwn(strippedFields, signature) ? [...fields, ...strippedFields[signature]!].sort() : fields;
}
