/** The outgoing notification webhook: one JSON POST per notification, 10-second timeout. */
import { fetch } from 'undici';

export async function postWebhook(url: string, payload: unknown, timeoutMs = 10_000): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'xport/0.1' },
    body: JSON.stringify({ source: 'xport', sentAt: new Date().toISOString(), ...(payload as Record<string, unknown>) }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  await res.arrayBuffer().catch(() => undefined);
  if (res.status >= 300) throw new Error(`the notification webhook answered HTTP ${res.status}`);
}
