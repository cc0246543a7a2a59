import type { GitHub } from "./github-types.js";

export interface RedeliveryOptions {
  /** Only deliveries GitHub attempted after this moment are considered. */
  since: Date;
  /** Events Gitgate acts on; others are not worth a redelivery. */
  events: ReadonlySet<string>;
  /** At most this many redeliveries per sweep, so a long outage does not become a flood. */
  max?: number;
}

/**
 * GitHub gives up on a webhook after 10 seconds and never retries on its own. This finds deliveries of
 * the events Gitgate needs that never succeeded (no attempt with status "OK") and asks GitHub to send
 * them again. `app` must be authenticated as the App (JWT), not as an installation.
 */
export async function redeliverMissed(app: GitHub, options: RedeliveryOptions): Promise<string[]> {
  const attempts = new Map<string, { id: number; ok: boolean; event: string; deliveredAt: number }[]>();
  for await (const page of app.paginate.iterator(app.rest.apps.listWebhookDeliveries, { per_page: 100 })) {
    let older = false;
    for (const delivery of page.data) {
      const deliveredAt = Date.parse(delivery.delivered_at);
      if (deliveredAt < options.since.getTime()) {
        older = true;
        continue;
      }
      const list = attempts.get(delivery.guid) ?? [];
      list.push({ id: delivery.id, ok: delivery.status === "OK", event: delivery.event, deliveredAt });
      attempts.set(delivery.guid, list);
    }
    // Deliveries come newest first: once a page reaches past `since`, later pages are older still.
    if (older) break;
  }
  const redelivered: string[] = [];
  for (const [guid, list] of attempts) {
    if (redelivered.length >= (options.max ?? 100)) break;
    if (list.some((a) => a.ok) || !options.events.has(list[0]!.event)) continue;
    const latest = list.reduce((a, b) => (b.deliveredAt > a.deliveredAt ? b : a));
    await app.rest.apps.redeliverWebhookDelivery({ delivery_id: latest.id });
    redelivered.push(guid);
  }
  return redelivered;
}
