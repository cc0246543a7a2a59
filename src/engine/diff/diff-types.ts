/** A value that must not be shown: only that it is there and how long it is. */
export interface MaskedValue {
  masked: true;
  length: number;
}

export interface FieldChange {
  /** How a person writes the field: `spec.template.spec.containers[web].image`. */
  field: string;
  /** JSON pointer of the field in the head document (in the base one for a removal). */
  pointer: string;
  op: "added" | "removed" | "changed";
  before?: unknown;
  after?: unknown;
}

export type ObjectStatus = "added" | "removed" | "changed" | "moved";

export interface ObjectDiff {
  /** Kubernetes objects: `apps/v1 Deployment orders/api`; other documents: `path#index`. */
  id: string;
  kind?: string;
  status: ObjectStatus;
  /** Where the object is at the head (at the base, when removed). */
  path: string;
  document: number;
  line: number;
  /** The file the object came from, when it moved to another one. */
  previousPath?: string;
  changes: FieldChange[];
  /** The whole object, masked, for added and removed objects. */
  content?: unknown;
}

export interface FileDiff {
  path: string;
  previousPath?: string;
  added: number;
  changed: number;
  removed: number;
  moved: number;
  /** The file changed but no object in it did: comments, key order, quoting. */
  formattingOnly: boolean;
  /** A version did not parse, so its objects are not compared (the parse findings say why). */
  unparsed?: true;
}

/** What a change does to the objects it touches, with every secret masked. */
export interface SemanticDiff {
  summary: { added: number; changed: number; removed: number; moved: number; formattingOnlyFiles: number };
  byKind: Record<string, { added: number; changed: number; removed: number; moved: number }>;
  files: FileDiff[];
  objects: ObjectDiff[];
}
