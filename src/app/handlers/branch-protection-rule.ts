import type { Probot } from "probot";
import { lostGuarantees } from "../../engine/guard/classify-drift.js";
import type { Enqueue } from "../job-factory.js";
import { classicRuleGuarantees, ruleBefore, type WebhookProtectionRule } from "../protection-event-guarantees.js";
import { safely } from "./safely.js";

/**
 * A classic branch protection rule was created, edited or deleted: the repository's protected
 * branches are looked at again. What the edit took away (from the event's `changes`) marks those
 * weaknesses as "weakened", with the sender as who did it.
 */
export function onBranchProtectionRule(app: Probot, enqueue: Enqueue): void {
  app.on(["branch_protection_rule.created", "branch_protection_rule.edited", "branch_protection_rule.deleted"], safely((context) => {
    const { payload } = context;
    if (!payload.installation) return;
    const rule = payload.rule as WebhookProtectionRule & { updated_at?: string; name?: unknown };
    const changes = payload.action === "edited" ? (payload.changes as Record<string, { from?: unknown }>) : undefined;
    const lost = payload.action === "created" ? [] : lostGuarantees(classicRuleGuarantees(ruleBefore(rule, changes)), payload.action === "deleted" ? undefined : classicRuleGuarantees(rule));
    enqueue.protection(
      { delivery: context.id, event: `${context.name}.${payload.action}`, installation: payload.installation.id, repo: { owner: payload.repository.owner.login, repo: payload.repository.name } },
      { what: `branch_protection_rule.${payload.action}`, actor: payload.sender.login, lost, defaultBranch: payload.repository.default_branch, ...(typeof rule.name === "string" ? { pattern: rule.name } : {}), ...(payload.action === "edited" && rule.updated_at ? { at: rule.updated_at } : {}) },
    );
  }));
}
