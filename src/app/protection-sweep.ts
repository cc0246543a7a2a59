import type { Logger } from "pino";
import type { GitHub } from "../github/github-types.js";
import { listInstalledRepositories } from "../github/list-installation-repos.js";
import type { ProtectionTrigger } from "./check-protection.js";
import type { Enqueue } from "./job-factory.js";

/** One sweep looks at this many repositories at most (each costs about five requests per protected branch). */
export const maxSweptRepositories = 2000;

export interface InstallationAuth {
  asApp(): Promise<GitHub>;
  asInstallation(id: number): Promise<GitHub>;
}

/**
 * Queues a protection look for every repository of the App's installations (or of one installation):
 * the sweep finds drift that came with no event (a lost webhook, a change while Gitgate was down).
 * Returns how many were queued.
 */
export async function queueProtectionLooks(auth: InstallationAuth, enqueue: Enqueue, log: Logger, request: { delivery: string; trigger: ProtectionTrigger; installation?: number }): Promise<number> {
  const { repositories, truncated } = await listInstalledRepositories(await auth.asApp(), auth.asInstallation, { max: maxSweptRepositories, ...(request.installation !== undefined ? { installation: request.installation } : {}) });
  if (truncated) log.warn({ max: maxSweptRepositories }, "protection sweep cut short: more repositories than one sweep looks at");
  for (const r of repositories) {
    enqueue.protection({ delivery: request.delivery, event: request.trigger.what, installation: r.installation, repo: { owner: r.owner, repo: r.repo } }, { ...request.trigger, ...(r.defaultBranch ? { defaultBranch: r.defaultBranch } : {}) });
  }
  return repositories.length;
}
