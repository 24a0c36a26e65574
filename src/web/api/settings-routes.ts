/**
 * Settings under /api/v1/settings: read and patch the organisation's mappings and options, the
 * mapping-health report, and linking a source contact to an existing Xero contact.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Runtime } from '../../app/runtime';
import { orgSettingsSchema } from '../../domain/settings';
import { HttpError } from '../errors';
import { registerJsonParser } from '../request-guards';
import { caller, requireAdmin } from './auth';
import { errorEnvelope, op } from './contract';

const linkBody = z
  .strictObject({ xeroContactId: z.string().uuid({ message: 'must be a Xero ContactID (a UUID)' }).describe('The ContactID of the Xero contact') })
  .meta({ examples: [{ xeroContactId: '6f3c1a0e-5b7d-4f0a-9d8e-2c1b3a4d5e6f' }] });
const linkParams = z.object({ kind: z.enum(['customer', 'supplier']).describe('The contact kind'), sourceId: z.string().min(1).max(255).describe("The contact's sourceId") });
const requeueBody = z
  .strictObject({ errorCodes: z.array(z.string().min(1)).min(1).max(20).describe('Catalog codes of the failures to queue again (docs/errors.md)') })
  .meta({ examples: [{ errorCodes: ['account_archived'] }] });

const settingsSchema = orgSettingsSchema.meta({ id: 'Settings', description: "The organisation's mappings and options" });
const settingsPatch = orgSettingsSchema.meta({
  description: 'Any part of the settings: objects of fixed shape merge key by key; maps keyed by source values (productGroupSalesAccounts, tax mappings, contact links, …) and lists are replaced',
  examples: [
    {
      accounts: { sales: '200', cogs: '310', stock_on_hand: '630', purchases: '300', freight: '425', rounding: '860' },
      productGroupSalesAccounts: { Hardware: '205' },
      customerSalesAccounts: { 'CUST-001': '210' },
      lineAccountCodes: { '4000': '200' },
      taxMappings: { sales: { 'G.S.T.': 'OUTPUT2', NONE: 'NONE' }, purchases: { 'G.S.T.': 'INPUT2', NONE: 'NONE' } },
      sendCustomerCodeAsAccountNumber: true,
      tracking: [{ sourceCategory: 'Region', xeroCategory: 'Region' }],
      xeroStatus: { sales_invoice: 'AUTHORISED', sales_credit: 'AUTHORISED', purchase_bill: 'DRAFT', supplier_credit: 'DRAFT', journal: 'POSTED' },
      lockDatePolicy: 'move_to_first_open_day',
      roundingPolicy: 'drop_zero_lines',
      contactLinks: { customer: { 'CUST-001': '6f3c1a0e-5b7d-4f0a-9d8e-2c1b3a4d5e6f' }, supplier: {} },
      unitDecimalPlaces: 4,
    },
  ],
});
const healthAnswer = z.object({
  ok: z.literal(true),
  problems: z.array(z.object({ setting: z.string().describe('e.g. accounts.sales, taxMappings.purchases["G.S.T."], tracking[0]'), value: z.string(), problem: z.string() })),
  fetchedAt: z.string().meta({ format: 'date-time' }).nullable().describe("When Xero's reference data was read"),
});
const requeued = z.object({ requeued: z.number().int().describe('Failed exports queued again') });
const viewerToken = errorEnvelope.describe('The API token may only read (`forbidden`)');
const invalidRequest = errorEnvelope.describe('The body or a path parameter is invalid (`invalid_request`)');
const xeroUnavailable = errorEnvelope.describe('Xero could not be read (`xero_unavailable`)');

export async function settingsRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  registerJsonParser(app, { ordinaryProtoKeys: true });
  app.get('/settings', { schema: op({ summary: "The organisation's mappings and options", tags: ['settings'], responses: { 200: settingsSchema } }) }, async (req) =>
    rt.settings.get(caller(req).tenantId),
  );

  app.patch(
    '/settings',
    {
      schema: op({
        summary: 'Change mappings and options (a partial object)',
        tags: ['settings'],
        body: settingsPatch,
        responses: {
          200: settingsSchema.describe('The settings as saved'),
          400: errorEnvelope.describe('A value is invalid (`invalid_settings`, details `[{path, message}]`); nothing was saved'),
          403: viewerToken,
        },
      }),
    },
    async (req) => {
      const c = requireAdmin(req);
      const res = await rt.settings.update(c.tenantId, req.body, `api:${c.tokenName}`);
      if (!res.ok) throw new HttpError(400, 'invalid_settings', 'The settings were not saved', res.issues);
      return res.settings;
    },
  );

  app.get(
    '/settings/health',
    { schema: op({ summary: 'Every mapping that no longer resolves in Xero', tags: ['settings'], responses: { 200: healthAnswer, 502: xeroUnavailable } }) },
    async (req): Promise<z.output<typeof healthAnswer>> => {
      const res = await rt.settings.health(caller(req).tenantId);
      if (!res.ok) throw new HttpError(502, 'xero_unavailable', res.reason);
      return res;
    },
  );

  app.post(
    '/settings/requeue',
    { schema: op({ summary: 'Re-queue the failures a fixed mapping caused', tags: ['settings'], body: requeueBody, responses: { 200: requeued, 400: invalidRequest, 403: viewerToken } }) },
    async (req): Promise<z.output<typeof requeued>> => {
      const c = requireAdmin(req);
      const body = requeueBody.safeParse(req.body);
      if (!body.success) throw new HttpError(400, 'invalid_request', body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      return { requeued: await rt.settings.requeueFailuresOf(c.tenantId, body.data.errorCodes, `api:${c.tokenName}`) };
    },
  );

  app.post(
    '/contacts/:kind/:sourceId/link',
    {
      schema: op({
        summary: 'Link a source contact to an existing Xero contact',
        description: 'Its documents waiting for the contact, or failed for want of it, go back to the queue.',
        tags: ['settings'],
        params: linkParams,
        body: linkBody,
        responses: { 200: requeued, 400: invalidRequest, 403: viewerToken },
      }),
    },
    async (req): Promise<z.output<typeof requeued>> => {
      const c = requireAdmin(req);
      const params = linkParams.safeParse(req.params);
      const body = linkBody.safeParse(req.body);
      if (!params.success || !body.success) {
        const issues = [...(params.success ? [] : params.error.issues), ...(body.success ? [] : body.error.issues)];
        throw new HttpError(400, 'invalid_request', issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      }
      return rt.settings.linkContact(c.tenantId, { ...params.data, xeroContactId: body.data.xeroContactId, actor: `api:${c.tokenName}` });
    },
  );
}
