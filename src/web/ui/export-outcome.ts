/**
 * What happened to one export after a person acted on it, in words: "queued again" until a worker
 * takes it, then "exported to Xero as INV-0042" or "failed again: …". Shared by the Export All result
 * page and the live updates pushed to it over the page's event stream.
 */
import type { Export } from '../../engine/service';

export type OutcomeState = 'queued' | 'exporting' | 'waiting' | 'exported' | 'failed' | 'skipped' | 'deleted' | 'unchanged';

export interface Outcome {
  state: OutcomeState;
  text: string;
}

type Row = Pick<Export, 'status' | 'lastError' | 'waitReason' | 'xeroNumber'>;

export function retryOutcome(row: Row | null): Outcome {
  if (!row) return { state: 'deleted', text: 'deleted from the queue since' };
  switch (row.status) {
    case 'queued':
      return { state: 'queued', text: 'queued again: waiting for its turn' };
    case 'exporting':
      return { state: 'exporting', text: 'being sent to Xero now' };
    case 'waiting':
      return { state: 'waiting', text: `waiting: ${(row.waitReason ?? 'for another export').replace(/^waiting\s+/i, '')}` };
    case 'exported':
      return { state: 'exported', text: row.xeroNumber ? `exported to Xero as ${row.xeroNumber}` : 'exported to Xero' };
    case 'failed':
      return { state: 'failed', text: `failed again: ${row.lastError ?? 'see the queue'}` };
    default:
      return { state: 'skipped', text: 'skipped: marked done without exporting' };
  }
}

export const UNCHANGED: Record<'retry' | 'delete', Outcome> = {
  retry: { state: 'unchanged', text: 'was not a failed export any more; nothing was changed' },
  delete: { state: 'unchanged', text: 'could not be deleted (it is being exported right now, or is gone)' },
};

export const DELETED: Outcome = { state: 'deleted', text: 'deleted from the queue' };
