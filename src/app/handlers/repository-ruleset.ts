import type { Probot } from "probot";
import { lostGuarantees } from "../../engine/guard/classify-drift.js";
import type { ProtectionTrigger } from "../check-protection.js";
import type { Enqueue } from "../job-factory.js";
import { rulesetGuarantees, type WebhookRulesetRule } from "../protection-event-guarantees.js";
import { safely } from "./safely.js";

export type QueueInstallationLooks = (request: { delivery: string; trigger: ProtectionTrigger; installation: number }) => Promise<number>;

/**
 * A ruleset was created, edited or deleted. A repository's ruleset names its repository; an
 * organisation's may apply to any repository of the installation, so all of them are looked at.
 * Deleting an active ruleset, disabling it or deleting its rules marks what they gave as "weakened".
 */
export function onRepositoryRuleset(app: Probot, enqueue: Enqueue, queueInstallation: QueueInstallationLooks): void {
  app.on(["repository_ruleset.created", "repository_ruleset.edited", "repository_ruleset.deleted"], safely((context) => {
    const { payload } = context;
    if (!payload.installation) return;
    const ruleset = payload.repository_ruleset;
    const rules = (ruleset.rules ?? []) as WebhookRulesetRule[];
    const changes = payload.action === "edited" ? payload.changes : undefined;
    const wasActive = (changes?.enforcement?.from ?? ruleset.enforcement) === "active";
    const isActive = payload.action !== "deleted" && ruleset.enforcement === "active";
    const lost = !wasActive ? [] : [
      ...lostGuarantees(rulesetGuarantees(rules), isActive ? rulesetGuarantees(rules) : undefined),
      ...lostGuarantees(rulesetGuarantees((changes?.rules?.deleted ?? []) as WebhookRulesetRule[]), isActive ? rulesetGuarantees(rules) : undefined),
    ];
    const trigger: ProtectionTrigger = { what: `repository_ruleset.${payload.action}`, actor: payload.sender.login, lost: [...new Set(lost)], ...(ruleset.updated_at && payload.action === "edited" ? { at: ruleset.updated_at } : {}) };
    const event = `${context.name}.${payload.action}`;
    if (payload.repository) {
      enqueue.protection({ delivery: context.id, event, installation: payload.installation.id, repo: { owner: payload.repository.owner.login, repo: payload.repository.name } }, { ...trigger, defaultBranch: payload.repository.default_branch });
    } else {
      queueInstallation({ delivery: context.id, trigger, installation: payload.installation.id }).catch((error: unknown) => context.log.warn({ err: error, delivery: context.id }, "could not list the installation's repositories"));
    }
  }));
}
