import type { DriftWeakness } from "../engine/guard/classify-drift.js";
import { codeSpan, markdownText } from "./escape-markdown.js";

/** What Gitgate did about the weaknesses (enforce mode), or why it did not. */
export type RestorationOutcome =
  | { state: "restored"; changes: string[] }
  | { state: "failed"; reason: string }
  | { state: "not-asked" }
  | { state: "impossible"; reason: string };

export interface DriftIncident {
  branch: string;
  weaknesses: DriftWeakness[];
  notices: string[];
  /** Who changed the protection, when the event says so (its sender). */
  actor?: string;
  /** What told Gitgate: the event, or the sweep. */
  trigger: string;
  /** When it happened, or the window it happened in, in words. */
  when: string;
  restoration: RestorationOutcome;
}

const shortNames: Record<string, string> = {
  unprotected: "no protection at all",
  unreadable: "protection unreadable",
  "admins-exempt": "administrators exempt",
  "force-push-allowed": "force pushes allowed",
  "deletion-allowed": "deletion allowed",
};

/** A few words for a weakness id, for titles. */
export function shortName(id: string): string {
  const [kind, check] = id.split(/:(.*)/s);
  if (kind === "check-missing") return `${check} not required`;
  if (kind === "check-unpinned") return `${check} not pinned to Gitgate`;
  return shortNames[id] ?? id;
}

const kindWords: Record<DriftWeakness["kind"], string> = { weakened: "weakened", "not-met": "never met", persisting: "still" };

/** The failing gitgate/guard check run's title and summary. */
export function renderDriftCheck(incident: DriftIncident): { title: string; summary: string } {
  const { branch, weaknesses } = incident;
  const restored = incident.restoration.state === "restored";
  const headline = weaknesses.some((w) => w.id === "unreadable")
    ? `Gitgate cannot read the protection of ${branch}`
    : weaknesses.some((w) => w.kind === "weakened") ? `Branch protection of ${branch} weakened` : `${branch} is not protected as Gitgate expects`;
  const title = `${headline}${restored ? " (restored)" : ""}`.slice(0, 1000);
  const rows = weaknesses.map((w) => `| ${kindWords[w.kind]} | ${markdownText(w.message, true)} |`);
  const summary = [
    `Gitgate expects ${codeSpan(branch)} to require \`gitgate/validate\` and \`gitgate/approval\` (pinned to Gitgate), for administrators too, and to forbid force pushes and deletion. Without that, a change can reach the branch without an approved PR.`,
    "",
    ...facts(incident),
    "",
    "| | What is missing |",
    "| --- | --- |",
    ...rows,
    "",
    ...restorationLines(incident.restoration),
    ...noticeLines(incident.notices),
  ].join("\n");
  return { title, summary: summary.slice(0, 65_000) };
}

/** One incident issue per weakness: its title and body (the caller adds the marker). */
export function renderDriftIssue(incident: DriftIncident, weakness: DriftWeakness): { title: string; body: string } {
  const { branch } = incident;
  const title = weakness.id === "unreadable"
    ? `Gitgate cannot read the protection of ${branch}`
    : weakness.kind === "weakened" ? `Branch protection of ${branch} weakened: ${shortName(weakness.id)}` : `${branch} is not protected as Gitgate expects: ${shortName(weakness.id)}`;
  const body = [
    `**${weakness.kind === "weakened" ? "Branch protection weakened" : weakness.id === "unreadable" ? "Branch protection unreadable" : "Branch protection incomplete"}** on ${codeSpan(branch)}: ${markdownText(weakness.message)}`,
    "",
    ...facts(incident),
    "",
    ...restorationLines(incident.restoration),
    ...noticeLines(incident.notices),
    "Gitgate's guard depends on this protection: while it is missing, changes can reach the branch without an approved PR. Close this issue once the protection is back; Gitgate opens a new one if it finds the weakness again.",
  ].join("\n");
  return { title: title.slice(0, 256), body };
}

function facts(incident: DriftIncident): string[] {
  return [
    `- **Branch:** ${codeSpan(incident.branch)}`,
    `- **Changed by:** ${incident.actor ? `@${markdownText(incident.actor)}` : "not known"} (${markdownText(incident.trigger)})`,
    `- **When:** ${markdownText(incident.when)}`,
  ];
}

function restorationLines(outcome: RestorationOutcome): string[] {
  switch (outcome.state) {
    case "restored":
      return [`**Restored by Gitgate** (\`protect.branch_protection: enforce\`):`, ...outcome.changes.map((c) => `- ${markdownText(c)}`), ""];
    case "failed":
      return [`**Not restored:** Gitgate tried (\`protect.branch_protection: enforce\`) and GitHub refused: ${markdownText(outcome.reason)}`, ""];
    case "impossible":
      return [`**Not restored:** ${markdownText(outcome.reason)}`, ""];
    case "not-asked":
      return ["**Not restored:** Gitgate only reports (`protect.branch_protection: report`); with `enforce` and the App's Administration (write) permission it restores what is missing.", ""];
  }
}

function noticeLines(notices: string[]): string[] {
  return notices.length === 0 ? [] : ["**Who may bypass the rules** (not an incident by itself; each is a way around Gitgate's checks):", ...notices.map((n) => `- ${markdownText(n)}`), ""];
}
