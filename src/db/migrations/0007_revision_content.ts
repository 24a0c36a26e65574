import type { Kysely } from 'kysely';

/**
 * Revisions by content, and the date a document carried into Xero:
 * - documents.content_hash: the hash of the validated document without its revision, so that a
 *   re-post is told apart from a correction (same content: a duplicate; changed: a new revision or a
 *   revision_conflict). Rows received before this migration have none; their stored payload is hashed
 *   when they are compared.
 * - exports.xero_date: the date sent to Xero when the lock-date policy moved it (null otherwise).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('documents').addColumn('content_hash', 'text').execute();
  await db.schema.alterTable('exports').addColumn('xero_date', 'text').execute();
}
