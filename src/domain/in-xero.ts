/**
 * "Is it already in Xero?" — the one place that decides whether an export must be looked up in Xero
 * before it is sent, and from when such a look-up is conclusive.
 *
 * An earlier attempt may have reached Xero when it got no verdict: no answer at all (a timeout, a
 * dropped connection, a worker that died mid-call), or a 5xx, which can come after the write. A 429,
 * a 401 or a 413 is Xero refusing before it processes anything, and a per-element answer is a
 * verdict: those need no look-up. An earlier revision that this one superseded while it waited for
 * its retry counts too.
 *
 * A look-up only proves absence once no earlier call can still land. A request xport gave up on may
 * still be on its way or being processed (the client's timeout is not the server's), so a look-up
 * waits until `settleMs` after the latest such call started: the lease span, the bound that also
 * makes a run-out lease safe to take over (docs/reliability.md, "Look-ups").
 */

/** One recorded attempt of an export (export_attempts). */
export interface AttemptRecord {
  batchId: string;
  outcome: string | null;
  /** The HTTP status Xero answered, null when no answer came. */
  httpStatus: number | null;
  startedAt: string;
}

/** What is known of the export's earlier revisions that have no Xero id. */
export interface EarlierRevisions {
  /** One of them was sent without a verdict (or was handed back unanswered). */
  uncertain: boolean;
  /** When the latest of their attempts started (ISO), if any. */
  lastStartedAt: string | null;
}

export type LookupNeed =
  /** Nothing can be in Xero: send. */
  | { kind: 'none' }
  /** Look up now; `batchId` is the attempt a find is recorded against (null: none of this export's own). */
  | { kind: 'now'; batchId: string | null }
  /** A call may still land: look up at `at`, not before. */
  | { kind: 'later'; at: Date };

const uncertainOutcome = (o: string | null): boolean => o === null || o === 'unknown' || o === 'transient';

export function isUncertain(a: Pick<AttemptRecord, 'outcome'>): boolean {
  return uncertainOutcome(a.outcome);
}

/**
 * Whether the request may still be in flight: no answer came after it may have reached Xero (a
 * timeout, a dropped connection, a worker gone mid-call), or a gateway answered for a server that
 * may still be working on it (502, 504). A 500 or 503 is the server's own answer, and a connection
 * that was never made sent nothing: those requests are over, whatever they did.
 */
export function mayStillLand(a: Pick<AttemptRecord, 'outcome' | 'httpStatus'>): boolean {
  return a.outcome === null || a.outcome === 'unknown' || (a.outcome === 'transient' && (a.httpStatus === 502 || a.httpStatus === 504));
}

export function lookupNeed(p: { needsReconcile: boolean; attempts: readonly AttemptRecord[]; earlier: EarlierRevisions; now: Date; settleMs: number }): LookupNeed {
  const uncertain = p.attempts.filter(isUncertain);
  if (!p.needsReconcile && !p.earlier.uncertain && uncertain.length === 0) return { kind: 'none' };
  const starts = uncertain.filter(mayStillLand).map((a) => Date.parse(a.startedAt));
  if (p.earlier.uncertain && p.earlier.lastStartedAt) starts.push(Date.parse(p.earlier.lastStartedAt));
  const latest = Math.max(...starts.filter((t) => Number.isFinite(t)), Number.NEGATIVE_INFINITY);
  if (latest + p.settleMs > p.now.getTime()) return { kind: 'later', at: new Date(latest + p.settleMs) };
  const own = uncertain.at(-1) ?? null;
  return { kind: 'now', batchId: own?.batchId ?? null };
}
