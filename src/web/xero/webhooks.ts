/**
 * POST /webhooks/xero (docs/xero.md#webhooks): the signature `x-xero-signature` must be the base64
 * HMAC-SHA256 of the raw body with the app's webhook key (XERO_WEBHOOK_KEY). Correctly signed:
 * 200 with no body, at once (Xero waits 5 seconds at most), and the events are handled after the
 * reply. Wrong or missing signature, or no key configured: 401. The intent-to-receive handshake is
 * a signed delivery with no events, so it needs nothing more.
 *
 * Registered in its own context: the raw bytes are kept (a re-serialised JSON would not verify),
 * and no session, cookie or CSRF applies. What the events change is the engine's
 * (src/engine/xero-webhooks.ts): this route only verifies and hands them over.
 */
import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../app/runtime';
import { eventsOf } from '../../engine/xero-webhooks';
import { z } from 'zod';
import { op } from '../api/contract';

const webhookSchema = op({
  summary: "Xero's webhook (signed with the app's webhook key)",
  description:
    'Xero posts events here; `x-xero-signature` must be the base64 HMAC-SHA256 of the raw body with XERO_WEBHOOK_KEY. Correctly signed: 200 with no body at once, the events handled after the reply. The intent-to-receive handshake is a signed delivery with no events.',
  tags: ['xero'],
  public: true,
  responses: {
    200: z.null().describe('Correctly signed: accepted (no body)'),
    401: z.null().describe('A wrong or missing signature, or XERO_WEBHOOK_KEY is not set (no body)'),
  },
});

export function xeroSignature(rawBody: Buffer | string, key: string): string {
  return crypto.createHmac('sha256', key).update(rawBody).digest('base64');
}

/** Constant-time comparison of the expected and the received signature. */
export function signatureMatches(rawBody: Buffer, received: string | undefined, key: string | undefined): boolean {
  if (!key || !received) return false;
  const expected = Buffer.from(xeroSignature(rawBody, key));
  const given = Buffer.from(received.trim());
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}

/** Waits until the webhook deliveries received so far are handled (tests). */
export async function webhooksIdle(rt: Runtime): Promise<void> {
  await rt.webhooks.idle();
}

export async function xeroWebhookRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_req, body, done) => done(null, body));

  app.post('/webhooks/xero', { schema: webhookSchema }, async (req, reply) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const header = req.headers['x-xero-signature'];
    if (!signatureMatches(raw, Array.isArray(header) ? header[0] : header, rt.config.xero.webhookKey)) {
      if (!rt.config.xero.webhookKey) rt.logger.warn('a Xero webhook arrived but XERO_WEBHOOK_KEY is not set: refused');
      return reply.code(401).send();
    }
    let payload: unknown = null;
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch {
      payload = null;
    }
    rt.webhooks.accept(eventsOf(payload));
    return reply.code(200).send();
  });
}
