/**
 * Reconciliation under /api/v1 (docs/reconciliation.md): the differences Xero holds, a run now, and
 * the source system's valuations of accounts. Handlers parse with the zod schemas op() publishes.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Runtime } from '../../app/runtime';
import { VALUATION_ACCOUNT_HINT } from '../../app/reconciliation-service';
import { ReconciliationBusyError } from '../../engine/reconciliation/run';
import { HttpError } from '../errors';
import { caller, requireAdmin } from './auth';
import { apiContract, errorEnvelope, op } from './contract';

const money = z.string().nullable();
const difference = z.object({
  kind: z.string(),
  sourceId: z.string(),
  exportId: z.number().int(),
  revision: z.number().int(),
  reference: z.string(),
  issue: z.enum(['voided_in_xero', 'deleted_in_xero', 'missing_in_xero', 'total_differs', 'date_differs', 'contact_differs', 'still_draft']),
  title: z.string(),
  cause: z.string(),
  actions: z.array(z.object({ code: z.string(), label: z.string() })).describe('What resolves it, the recommended one first'),
  since: z.string().nullable().describe('When the difference was first found'),
  xeroUrl: z.string().nullable(),
  xport: z.object({ date: z.string().nullable(), total: money, contactId: z.string().nullable(), xeroNumber: z.string().nullable() }).describe('What xport exported'),
  xero: z
    .object({
      status: z.string().nullable(),
      date: z.string().nullable(),
      total: money,
      contactId: z.string().nullable(),
      amountPaid: money,
      amountDue: money,
      fullyPaidOn: z.string().nullable(),
      checkedAt: z.string(),
    })
    .describe('What Xero holds, as last read'),
});
const run = z.object({
  id: z.number().int(),
  trigger: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  outcome: z.string().describe('running, complete, partial (budget used up or Xero unreadable: the next run goes on from there), failed, or interrupted (its process stopped before it finished)'),
  message: z.string().nullable(),
  calls: z.number().int(),
  budget: z.number().int(),
  checked: z.number().int(),
  newDifferences: z.number().int(),
});
const balance = z.object({
  runId: z.number().int(),
  asOf: z.string(),
  role: z.string(),
  accountCode: z.string(),
  xeroValue: money.describe("Xero's trial balance, debit positive"),
  xportValue: z.string().describe('What xport exported to the account, debit positive'),
  sourceValue: money.describe("The source system's figure (POST /valuations)"),
  variance: money,
  sourceVariance: money,
  explainedBy: z.array(z.object({ kind: z.string(), sourceId: z.string(), issue: z.string() })),
});
const budget = z.object({ share: z.number(), perDay: z.number().int(), used: z.number().int(), left: z.number().int() }).describe("Reconciliation's share of the day's Xero calls");
const report = z.object({ documents: z.array(difference), lastRun: run.nullable(), runs: z.array(run), budget, balances: z.array(balance) });
const runSummary = z.object({
  runId: z.number().int(),
  outcome: z.enum(['complete', 'partial', 'failed']),
  message: z.string().nullable(),
  calls: z.number().int(),
  budget: z.number().int(),
  checked: z.number().int(),
  newDifferences: z
    .array(z.object({ exportId: z.number().int(), kind: z.string(), sourceId: z.string(), reference: z.string(), issue: z.string() }))
    .describe('The differences found for the first time by this run'),
  paid: z.number().int(),
});
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((v) => !Number.isNaN(Date.parse(v)) && new Date(v).toISOString().startsWith(v), 'must be a real date');
export const valuationBody = z
  .strictObject({
    date: isoDate.describe('The date the figure is for (YYYY-MM-DD)'),
    account: z.string().trim().min(1).max(50).describe(VALUATION_ACCOUNT_HINT),
    value: z
      .union([
        z.number().finite(),
        z
          .string()
          .trim()
          .regex(/^-?\d+(\.\d+)?$/, 'must be a decimal number'),
      ])
      .transform(String)
      .describe('The figure, debit positive: a decimal as a JSON number or string'),
  })
  .meta({ examples: [{ date: '2026-11-30', account: 'stock_on_hand', value: '12500.00' }] });
const acceptParams = z.object({ exportId: z.coerce.number().int().positive().describe('The export whose differences to accept (exportId of a listed difference)') });
const viewerToken = errorEnvelope.describe('The API token is a viewer: this needs an admin token (`forbidden`)');
const valuation = z.object({ date: z.string(), account: z.string(), value: z.string(), receivedAt: z.string() });

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new HttpError(400, 'invalid_request', `Invalid ${what}: ${r.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`).join('; ')}`);
  return r.data;
}

export async function reconciliationRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  apiContract(app);
  const tags = ['reconciliation'];
  app.get('/reconciliation', { schema: op({ summary: 'The differences between what xport exported and what Xero holds', tags, responses: { 200: report, 401: errorEnvelope } }) }, async (req) =>
    rt.reconciliation.report(caller(req).tenantId),
  );

  app.post(
    '/reconciliation/run',
    {
      schema: op({
        summary: 'Reconcile with Xero now',
        description: "Reads what Xero changed since the last run, within the day's budget share, and answers when done.",
        tags,
        responses: { 200: runSummary, 401: errorEnvelope, 403: viewerToken, 409: errorEnvelope.describe('A reconciliation of this organisation is already running (`reconciliation_running`)') },
      }),
    },
    async (req) => {
      const c = requireAdmin(req);
      try {
        return await rt.reconciliation.run(c.tenantId, 'api');
      } catch (err) {
        if (err instanceof ReconciliationBusyError) throw new HttpError(409, 'reconciliation_running', err.message);
        throw err;
      }
    },
  );

  app.post(
    '/reconciliation/:exportId/accept',
    {
      schema: op({
        summary: "Accept Xero's version of a document's differences",
        description: 'They are no longer listed while Xero holds them; should Xero change again, the new difference is reported.',
        tags,
        params: acceptParams,
        responses: {
          200: z.object({ exportId: z.number().int(), accepted: z.array(z.string()).describe('The issues accepted') }),
          400: errorEnvelope.describe('exportId is not a positive integer (`invalid_request`)'),
          401: errorEnvelope,
          403: viewerToken,
          404: errorEnvelope.describe("The export has no outstanding difference with Xero, or is not the organisation's (`not_found`)"),
        },
      }),
    },
    async (req) => {
      const c = requireAdmin(req);
      const { exportId } = parse(acceptParams, req.params, 'export id');
      const res = await rt.reconciliation.accept(c.tenantId, exportId);
      if (!res) throw new HttpError(404, 'not_found', `Export ${exportId} has no outstanding difference with Xero`);
      return res;
    },
  );

  app.post(
    '/valuations',
    {
      schema: op({
        summary: "The source system's own figure for an account at a date (e.g. its stock valuation)",
        tags,
        body: valuationBody,
        responses: {
          201: valuation.describe('Stored (a later figure for the same account and date replaces it)'),
          400: errorEnvelope.describe('No body, a date that is not a real YYYY-MM-DD, an empty account, a value that is not a decimal, or another field (`invalid_request`)'),
          401: errorEnvelope,
          403: viewerToken,
        },
      }),
    },
    async (req, reply) => {
      const c = requireAdmin(req);
      const body = parse(valuationBody, req.body, 'valuation');
      return reply.code(201).send(await rt.reconciliation.recordValuation(c.tenantId, body));
    },
  );

  app.get(
    '/valuations',
    { schema: op({ summary: "The source system's valuations: the latest 100, newest date first", tags, responses: { 200: z.object({ valuations: z.array(valuation) }), 401: errorEnvelope } }) },
    async (req) => ({ valuations: await rt.reconciliation.valuations(caller(req).tenantId) }),
  );
}
