/**
 * Reading the Connection Log (the /log page, GET /api/v1/log, a document's history). Writing it is
 * the subscriber's alone (src/engine/connection-log-writer.ts): emit an event for a new entry. The
 * writer holds the export path's entries for up to a tenth of a second to write them together; a
 * read first writes what this process still holds, so a page or an API call that follows an export
 * finds its entry.
 */
import type { LogEntry, LogQuery } from '../db/repositories/connection-log';
import type { Store } from '../db/store';

export type { LogEntry, LogQuery };

export class ConnectionLogReader {
  constructor(
    private readonly store: Store,
    /** Writes the entries this process still holds (the writer's flush). */
    private readonly written: () => Promise<void> = async () => {},
  ) {}

  async search(query: LogQuery): Promise<{ entries: LogEntry[]; nextCursor: number | null; newerCursor?: number | null }> {
    await this.written();
    return this.store.log.search(query);
  }

  async get(id: number): Promise<LogEntry | null> {
    await this.written();
    return this.store.log.get(id);
  }
}
