/**
 * What the API answers and reads besides documents (document-bodies.ts), as zod schemas: the
 * handlers' answers are typed by them (routes.ts builds each answer as `z.output<…>`), and op()
 * publishes them. Query and path schemas are the ones the handlers parse with.
 */
import { z } from 'zod';
import { DOCUMENT_KINDS } from '../../domain/document-schemas';

export const EXPORT_STATUSES = ['queued', 'waiting', 'exporting', 'exported', 'failed', 'skipped'] as const;

const time = z.string().describe('An ISO-8601 UTC time').meta({ format: 'date-time' });
const day = z.string().meta({ format: 'date' });
const kind = z.enum(DOCUMENT_KINDS as [string, ...string[]]).describe('The document kind');
const cursor = z.coerce.number().int().positive().optional().describe('The `nextCursor` of the previous page');
const limit = z.coerce.number().int().min(1).max(500).default(50).describe('Items per page');

export const idParam = z.object({ id: z.coerce.number().int().positive().describe('The export id') });

export const listQuery = z.object({
  status: z.enum(EXPORT_STATUSES).optional().describe('Only exports in this status'),
  kind: z.string().optional().describe('Only exports of this document kind'),
  cursor,
  limit,
});

export const logQuery = z.object({
  level: z.enum(['all', 'info', 'error']).default('all').describe('Only entries of this level'),
  q: z.string().max(200).optional().describe('Words to search for in the message, the document reference and the details'),
  cursor,
  limit,
});

export const exportSchema = z
  .object({
    id: z.number().int().describe('The export id'),
    status: z.enum(EXPORT_STATUSES),
    kind,
    sourceId: z.string(),
    revision: z.number().int(),
    reference: z.string().nullable().describe('The document as people name it (number, contact)'),
    date: day.nullable().describe("The source document's date"),
    xeroDate: day.nullable().describe('The date sent to Xero: another than `date` when the lock-date policy moved it'),
    dateMoved: z.boolean(),
    total: z.string().nullable().describe('The total xport computed, a decimal string'),
    error: z.string().nullable().describe('Why the last attempt failed'),
    errorCode: z.string().nullable().describe('The catalog code of the failure (docs/errors.md)'),
    errorClass: z.string().nullable(),
    actionRequired: z.string().nullable().describe('What a person does about the failure'),
    reason: z.string().nullable().describe('What a waiting export waits for'),
    xeroId: z.string().nullable().describe("The Xero object's id once exported"),
    xeroNumber: z.string().nullable(),
    xeroTotal: z.string().nullable().describe('The total Xero computed'),
    xeroUrl: z.string().meta({ format: 'uri' }).nullable().describe("The object's page in Xero's web app (it selects the organisation first when its short code is known)"),
    attempts: z.number().int(),
    nextAttemptAt: time.nullable(),
    createdAt: time,
    updatedAt: time,
    exportedAt: time.nullable(),
  })
  .meta({ id: 'Export' });

export const attemptSchema = z.object({
  attempt: z.number().int(),
  startedAt: time,
  finishedAt: time.nullable(),
  outcome: z.string().nullable().describe('ok, error, unknown, transient or rate_limited; null while the call is out'),
  httpStatus: z.number().int().nullable(),
  error: z.string().nullable(),
  idempotencyKey: z.string(),
  correlationId: z.string().nullable(),
});

export const exportDetailSchema = exportSchema.extend({ attemptsHistory: z.array(attemptSchema) }).meta({ id: 'ExportDetail' });

export const exportListSchema = z.object({ exports: z.array(exportSchema), nextCursor: z.number().int().nullable() });

export const actionAnswer = z.object({ id: z.number().int(), status: z.enum(['queued', 'skipped']) });
export const deletedAnswer = z.object({ id: z.number().int(), deleted: z.literal(true) });
export const retriedAllAnswer = z.object({ retried: z.number().int(), ids: z.array(z.number().int()) });
export const deletedAllAnswer = z.object({ deleted: z.number().int(), ids: z.array(z.number().int()) });

export const workerSchema = z
  .object({
    id: z.string(),
    host: z.string(),
    pid: z.number().int(),
    state: z.enum(['running', 'failing', 'stopped', 'gone']),
    local: z.boolean(),
    lastRoundAt: time.nullable(),
    lastSuccessAt: time.nullable(),
    lastError: z.string().nullable(),
    lastErrorAt: time.nullable(),
    consecutiveFailures: z.number().int(),
    updatedAt: time,
  })
  .meta({ id: 'Worker' });

export const statusSchema = z.object({
  queued: z.number().int().describe('Queued, waiting and exporting'),
  waiting: z.number().int(),
  exporting: z.number().int(),
  failed: z.number().int(),
  exported: z.number().int(),
  skipped: z.number().int(),
  paused: z.array(z.object({ tenantId: z.string(), tenantName: z.string(), until: time.nullable(), reason: z.string(), code: z.string().nullable() })),
  disconnected: z.array(z.object({ tenantId: z.string(), tenantName: z.string() })),
  workers: z.array(workerSchema),
});

export const logEntrySchema = z.object({
  id: z.number().int(),
  tenantId: z.string().nullable(),
  at: time,
  level: z.enum(['info', 'error']),
  event: z.string(),
  message: z.string(),
  exportId: z.number().int().nullable(),
  documentRef: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
  actor: z.string().nullable(),
});

export const logPageSchema = z.object({ entries: z.array(logEntrySchema), nextCursor: z.number().int().nullable() });

export const organisationSchema = z
  .object({
    Name: z.string(),
    CountryCode: z.string(),
    BaseCurrency: z.string(),
    ShortCode: z.string().optional().describe("Xero's short code of the organisation (deep links select it)"),
    PeriodLockDate: day.optional(),
    EndOfYearLockDate: day.optional(),
  })
  .meta({ id: 'Organisation' });

export const refreshAnswer = z.object({
  accounts: z.number().int(),
  taxRates: z.number().int(),
  trackingCategories: z.number().int(),
  currencies: z.number().int(),
  organisation: organisationSchema,
});

export const ingestAnswer = z.object({
  documents: z.array(
    z.object({
      sourceId: z.string(),
      kind,
      revision: z.number().int(),
      exportId: z.number().int().nullable().describe('null: this revision was received before and its export was deleted since'),
      status: z.enum([...EXPORT_STATUSES, 'deleted']),
      duplicate: z.boolean().describe('The same revision with the same content was received before: queued once'),
    }),
  ),
});
