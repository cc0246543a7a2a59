import type { Probot } from "probot";
import type { Enqueue } from "../job-factory.js";
import type { QueueInstallationLooks } from "./repository-ruleset.js";
import { safely } from "./safely.js";

/**
 * The App was installed, or given more repositories: their protection is looked at right away, so a
 * team learns on day one what Gitgate cannot guarantee on their branches.
 */
export function onInstallation(app: Probot, enqueue: Enqueue, queueInstallation: QueueInstallationLooks): void {
  app.on(["installation.created", "installation_repositories.added"], safely((context) => {
    const { payload } = context;
    const installation = payload.installation.id;
    const listed = "repositories_added" in payload ? payload.repositories_added : payload.repositories;
    const trigger = { what: `${context.name}.${payload.action}`, lost: [] };
    if (!listed) {
      queueInstallation({ delivery: context.id, trigger, installation }).catch((error: unknown) => context.log.warn({ err: error, delivery: context.id }, "could not list the installation's repositories"));
      return;
    }
    for (const repo of listed) {
      const [owner, name] = repo.full_name.split("/") as [string, string];
      enqueue.protection({ delivery: context.id, event: trigger.what, installation, repo: { owner, repo: name } }, trigger);
    }
  }));
}
