import { setPriority } from "node:os";

/**
 * Judging is background work: when CPUs are scarce, the main thread (webhooks, health checks) goes
 * first. On Linux the nice value belongs to the calling thread, so this lowers only the calling
 * worker; elsewhere it would lower the whole process, so it is left alone.
 */
export function lowerThreadPriority(): void {
  if (process.platform !== "linux") return;
  try {
    setPriority(0, 10);
  } catch {
    // not permitted here: run at the normal priority
  }
}
