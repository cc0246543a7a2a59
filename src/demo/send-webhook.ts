import { createHmac, randomUUID } from "node:crypto";

/** Delivers a webhook as GitHub does: JSON body, event and delivery headers, HMAC-SHA256 signature. */
export async function sendWebhook(url: string, secret: string, event: string, payload: unknown, delivery: string = randomUUID()): Promise<number> {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-github-event": event, "x-github-delivery": delivery, "x-hub-signature-256": signature },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}
