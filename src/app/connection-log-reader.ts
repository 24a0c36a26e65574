/**
 * Reading the Connection Log (the /log page, GET /api/v1/log, a document's history). Writing it is
 * the subscriber's alone (src/engine/connection-log-writer.ts): emit an event for a new entry.
 */
import type { LogEntry, LogQuery } from '../db/repositories/connection-log';
import type { Store } from '../db/store';

export type { LogEntry, LogQuery };

export class ConnectionLogReader {
  constructor(private readonly store: Store) {}

  search(query: LogQuery): Promise<{ entries: LogEntry[]; nextCursor: number | null; newerCursor?: number | null }> {
    return this.store.log.search(query);
  }

  get(id: number): Promise<LogEntry | null> {
    return this.store.log.get(id);
  }
}
