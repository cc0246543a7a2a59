import { judgedForEntry, parseJudgedFor, type JudgedFor } from "../engine/judged-for.js";
import { checkNames } from "./github-types.js";

/**
 * What Gitgate's check runs record in their `external_id`: for whom each verdict was decided, so that
 * a verdict decided for one pull request or base is never taken for another's (the guard reads these),
 * and the governed-diff digests that let an approval carry over (see recordedDigest).
 */

/** The validate run's record (the name predates the entries without a digest; runs written before keep reading). */
const validatePrefix = "gitgate-governed-diff:";
const approvalPrefix = "gitgate-approval:";
/** GitHub documents no length for a check run's external_id: the record stays within 255 characters. */
export const maxExternalId = 255;

/** One pull request and base a validate verdict judged, with the governed-diff digest found (none for a merge group's head). */
export interface JudgedDigest {
  pullNumber: number;
  baseRef: string;
  digest: string | undefined;
}

/**
 * The validate run's record: `gitgate-governed-diff:` then, comma-separated, one entry per pull request
 * and base judged, `<number>.<base key>` followed by `=<digest>` when there is one, in the order given
 * (the job's own pull request first). Every pair is written before any digest: a pair left out makes the guard reject the
 * verdict for that pull request, a digest left out only stops an approval of an older commit from
 * carrying over. A pair that does not fit at all is left out (the guard then fails closed).
 */
export function validateExternalId(judged: readonly JudgedDigest[]): string {
  const entries: { key: string; digest: string | undefined }[] = [];
  let length = validatePrefix.length;
  for (const { pullNumber, baseRef, digest } of judged) {
    const key = judgedForEntry(pullNumber, baseRef);
    const added = key.length + (entries.length > 0 ? 1 : 0);
    if (length + added > maxExternalId) continue;
    entries.push({ key, digest });
    length += added;
  }
  // Digests go in afterwards, in order, while they fit.
  for (const entry of entries) {
    if (entry.digest === undefined) continue;
    if (length + 1 + entry.digest.length <= maxExternalId) length += 1 + entry.digest.length;
    else entry.digest = undefined;
  }
  if (entries.length === 0) return "";
  return validatePrefix + entries.map((e) => (e.digest === undefined ? e.key : `${e.key}=${e.digest}`)).join(",");
}

/** The approval run's record: `gitgate-approval:<number>.<base key>`, the one pull request and base it was decided for. */
export function approvalExternalId(pullNumber: number, baseRef: string): string {
  return `${approvalPrefix}${judgedForEntry(pullNumber, baseRef)}`;
}

/**
 * The digest a validate check run recorded for pull request `number` into `baseRef`, if any. Only that
 * entry: a digest computed against another base (another pull request of the same head, or this one
 * before a retarget) says nothing about this change.
 */
export function recordedDigest(externalId: string | null | undefined, number: number, baseRef: string): string | undefined {
  if (!externalId?.startsWith(validatePrefix)) return undefined;
  const key = `${judgedForEntry(number, baseRef)}=`;
  return externalId.slice(validatePrefix.length).split(",").find((entry) => entry.startsWith(key))?.slice(key.length);
}

/**
 * The pull requests and bases a validate or approval run recorded it was decided for: empty when it
 * recorded none (a run published before Gitgate recorded them, a failure to evaluate, a check of
 * another name).
 */
export function recordedJudgedFor(checkName: string, externalId: string | null | undefined): JudgedFor[] {
  const prefix = checkName === checkNames.validate ? validatePrefix : checkName === checkNames.approval ? approvalPrefix : undefined;
  if (prefix === undefined || !externalId?.startsWith(prefix)) return [];
  return externalId.slice(prefix.length).split(",").flatMap((entry) => parseJudgedFor(entry) ?? []);
}
