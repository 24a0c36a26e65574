/**
 * Settings under /api/v1/settings: read and patch the organisation's mappings and options, the
 * mapping-health report, and linking a source contact to an existing Xero contact.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Runtime } from '../../app/runtime';
import { HttpError } from '../errors';
import { caller, requireAdmin } from './auth';
import { registerJsonParser } from '../request-guards';

const linkBody = z.strictObject({ xeroContactId: z.string().uuid({ message: 'must be a Xero ContactID (a UUID)' }) });
const linkParams = z.object({ kind: z.enum(['customer', 'supplier']), sourceId: z.string().min(1).max(255) });
const requeueBody = z.strictObject({ errorCodes: z.array(z.string().min(1)).min(1).max(20) });

export async function settingsRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  registerJsonParser(app, { ordinaryProtoKeys: true });
  app.get('/settings', { schema: { summary: "The organisation's mappings and options", tags: ['settings'] } }, async (req) => rt.settings.get(caller(req).tenantId));

  app.patch('/settings', { schema: { summary: 'Change mappings and options (a partial object)', tags: ['settings'] } }, async (req) => {
    const c = requireAdmin(req);
    const res = await rt.settings.update(c.tenantId, req.body, `api:${c.tokenName}`);
    if (!res.ok) throw new HttpError(400, 'invalid_settings', 'The settings were not saved', res.issues);
    return res.settings;
  });

  app.get('/settings/health', { schema: { summary: 'Every mapping that no longer resolves in Xero', tags: ['settings'] } }, async (req) => {
    const res = await rt.settings.health(caller(req).tenantId);
    if (!res.ok) throw new HttpError(502, 'xero_unavailable', res.reason);
    return res;
  });

  app.post('/settings/requeue', { schema: { summary: 'Re-queue the failures a fixed mapping caused', tags: ['settings'] } }, async (req) => {
    const c = requireAdmin(req);
    const body = requeueBody.safeParse(req.body);
    if (!body.success) throw new HttpError(400, 'invalid_request', body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    return { requeued: await rt.settings.requeueFailuresOf(c.tenantId, body.data.errorCodes, `api:${c.tokenName}`) };
  });

  app.post('/contacts/:kind/:sourceId/link', { schema: { summary: 'Link a source contact to an existing Xero contact', tags: ['settings'] } }, async (req) => {
    const c = requireAdmin(req);
    const params = linkParams.safeParse(req.params);
    const body = linkBody.safeParse(req.body);
    if (!params.success || !body.success) {
      const issues = [...(params.success ? [] : params.error.issues), ...(body.success ? [] : body.error.issues)];
      throw new HttpError(400, 'invalid_request', issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    }
    return rt.settings.linkContact(c.tenantId, { ...params.data, xeroContactId: body.data.xeroContactId, actor: `api:${c.tokenName}` });
  });
}
