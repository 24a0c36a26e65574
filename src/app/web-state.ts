/**
 * What the web UI keeps between requests in the database: signed-in sessions (for
 * @fastify/session's store) and the results of bulk actions (kept a week, for their result page).
 */
import { WebSessionsRepository } from '../db/repositories/web-sessions';
import type { Store } from '../db/store';

export class WebSessionsService {
  private readonly sessions: WebSessionsRepository;

  constructor(store: Store) {
    this.sessions = new WebSessionsRepository(store.db);
  }

  get(id: string): Promise<Record<string, unknown> | null> {
    return this.sessions.get(id);
  }

  set(id: string, data: Record<string, unknown>, expiresAt: Date, userId: number | null): Promise<void> {
    return this.sessions.set(id, data, expiresAt, userId);
  }

  destroy(id: string): Promise<void> {
    return this.sessions.destroy(id);
  }

  /** Removes expired sessions; returns how many. */
  prune(): Promise<number> {
    return this.sessions.prune();
  }
}

const BULK_PREFIX = 'bulk:';

export class BulkResultsService {
  constructor(private readonly store: Store) {}

  /** Keeps one result and forgets those older than `keepMs`. */
  async save(token: string, json: string, keepMs: number): Promise<void> {
    await this.store.kv.set(`${BULK_PREFIX}${token}`, json);
    await this.store.kv.deleteOlder(BULK_PREFIX, new Date(Date.now() - keepMs));
  }

  load(token: string): Promise<string | null> {
    return this.store.kv.get(`${BULK_PREFIX}${token}`);
  }
}
