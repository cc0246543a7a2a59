import type { Severity } from "../finding.js";

/** One result of a Rego rule, normalised from a string or an object. */
export interface PolicyResult {
  rule: string;
  message: string;
  severity: Severity;
  pointer?: string;
  path?: string;
  line?: number;
  /** Index of the document in `path`, for change-set results. */
  index?: number;
  /** Waived by the package's own conftest-style `exception` rule. */
  excepted: boolean;
}

const rulePattern = /^(deny|violation|warn)(?:_(\w+))?$/;

/**
 * What a rule id a policy returns may look like: letters, digits and `-_./`, starting with a letter or
 * digit, at most 64 characters. Rule ids are printed bare (SARIF rule ids, check-run tables) and are keys
 * for overrides and exceptions: a policy must not be able to put input (a secret, markup) there.
 */
export const policyRuleIdPattern = /^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}$/;

/** Longest JSON pointer a result may name; longer ones are dropped, as are strings that are no pointer. */
const maxPointerLength = 1024;

/**
 * Reads the value of a Rego package the way conftest does: rules `deny`, `violation` (errors) and
 * `warn` (warnings), each optionally with a `_suffix`; results are strings or objects with `msg`; an
 * `exception` rule lists suffixes whose results are waived. Anything malformed is reported, not dropped.
 */
export function readPackageResults(namespace: string, value: unknown): PolicyResult[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return [malformed(namespace, `package ${namespace} evaluated to ${typeName(value)}, not a package`)];
  }
  const pkg = value as Record<string, unknown>;
  const excepted = exceptedRules(pkg.exception);
  const results: PolicyResult[] = [];
  for (const [name, rule] of Object.entries(pkg)) {
    const match = rulePattern.exec(name);
    if (!match) continue;
    const severity: Severity = match[1] === "warn" ? "warning" : "error";
    const suffix = match[2];
    // A boolean rule (`deny_x if { … }`) that holds is a violation with no message of its own (conftest
    // drops it): read as nothing, the policy it states would never fail a change. False holds nothing.
    const items = Array.isArray(rule) ? rule : rule === false ? [] : rule === true ? [`${name} is true (a boolean rule: write \`${name} contains msg if { … }\` to give the reason)`] : [rule];
    for (const item of items) {
      results.push({ ...readResult(`${namespace}/${name}`, severity, item), excepted: suffix !== undefined && excepted.has(suffix) });
    }
  }
  return results;
}

function readResult(defaultRule: string, severity: Severity, item: unknown): Omit<PolicyResult, "excepted"> {
  if (typeof item === "string") return { rule: defaultRule, message: item, severity };
  if (item === null || typeof item !== "object" || Array.isArray(item)) {
    return { rule: defaultRule, message: `policy returned ${typeName(item)} instead of a message`, severity: "error" };
  }
  const o = item as Record<string, unknown>;
  const message = typeof o.msg === "string" ? o.msg : typeof o.message === "string" ? o.message : undefined;
  const ownRule = typeof o.rule === "string" && o.rule ? o.rule : undefined;
  const ruleValid = ownRule === undefined || policyRuleIdPattern.test(ownRule);
  // The invalid id is not repeated: it may be built from input.
  const note = ruleValid ? "" : ` (the policy's rule id is not a valid rule id, so ${defaultRule} is used: letters, digits, "-", "_", ".", "/", at most 64 characters)`;
  return {
    rule: ownRule !== undefined && ruleValid ? ownRule : defaultRule,
    message: (message ?? `policy returned an object without "msg"`) + note,
    severity: message === undefined ? "error" : isSeverity(o.severity) ? o.severity : severity,
    ...(isPointer(o.pointer) ? { pointer: o.pointer } : {}),
    ...(typeof o.path === "string" ? { path: o.path } : {}),
    ...(Number.isInteger(o.line) && (o.line as number) > 0 ? { line: o.line as number } : {}),
    ...(Number.isInteger(o.index) && (o.index as number) >= 0 ? { index: o.index as number } : {}),
  };
}

function isPointer(value: unknown): value is string {
  return typeof value === "string" && value.length <= maxPointerLength && (value === "" || value.startsWith("/"));
}

function exceptedRules(exception: unknown): Set<string> {
  const names = new Set<string>();
  if (!Array.isArray(exception)) return names;
  for (const entry of exception) {
    for (const name of Array.isArray(entry) ? entry : [entry]) if (typeof name === "string") names.add(name);
  }
  return names;
}

function isSeverity(value: unknown): value is Severity {
  return value === "error" || value === "warning" || value === "notice";
}

function malformed(namespace: string, message: string): PolicyResult {
  return { rule: `${namespace}/result`, message, severity: "error", excepted: false };
}

function typeName(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
}
