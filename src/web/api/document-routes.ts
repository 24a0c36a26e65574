/**
 * GET /api/v1/documents/{kind}/{sourceId}: one source document as xport and Xero hold it — its latest
 * revision, that revision's export (status, reason, Xero id and number, the link into Xero) and what
 * Xero holds (from the last reconciliation; before any, what the export recorded).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Runtime } from '../../app/runtime';
import { DOCUMENT_KINDS } from '../../domain/documents';
import { HttpError } from '../errors';
import { caller } from './auth';
import { apiContract, errorEnvelope, op } from './contract';

const params = z.object({
  kind: z.enum(DOCUMENT_KINDS as [string, ...string[]]).describe('The document kind, as it was posted'),
  sourceId: z.string().min(1).max(255).describe("The document's id in the source system (its sourceId)"),
});
const text = z.string().nullable();
const documentView = z.object({
  kind: z.string(),
  sourceId: z.string(),
  revision: z.number().int().describe('The latest revision received'),
  reference: z.string(),
  date: text,
  total: text,
  receivedAt: z.string(),
  exportId: z.number().int().nullable(),
  status: text.describe("The latest revision's export status (null when its export was deleted)"),
  reason: text.describe('Why it waits or failed'),
  actionRequired: text,
  xeroId: text,
  xeroNumber: text,
  xeroUrl: text.describe("The document's page in Xero"),
  xeroStatus: text.describe("Xero's status as last read (null before any reconciliation)"),
  xeroDate: text,
  xeroTotal: text,
  amountPaid: text,
  amountDue: text,
  fullyPaidOn: text,
  xeroCheckedAt: text.describe('When reconciliation last read it from Xero'),
  differences: z.array(z.object({ issue: z.string(), title: z.string(), cause: z.string(), accepted: z.boolean().describe("Xero's version was accepted") })),
});

export async function documentRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  apiContract(app);
  app.get(
    '/documents/:kind/:sourceId',
    {
      schema: op({
        summary: 'One document: its latest revision, export and what Xero holds',
        tags: ['documents'],
        params,
        responses: {
          200: documentView,
          400: errorEnvelope.describe('The kind is not a document kind, or the sourceId is longer than 255 characters (`invalid_request`)'),
          401: errorEnvelope,
          404: errorEnvelope.describe('No document of this kind and sourceId was received for the organisation (`not_found`)'),
        },
      }),
    },
    async (req) => {
      const { tenantId } = caller(req);
      const p = params.safeParse(req.params);
      if (!p.success) throw new HttpError(400, 'invalid_request', `Invalid document: ${p.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const doc = await rt.reconciliation.document(tenantId, p.data.kind, p.data.sourceId);
      if (!doc) throw new HttpError(404, 'not_found', `No ${p.data.kind} ${p.data.sourceId} was received`);
      return doc;
    },
  );
}
