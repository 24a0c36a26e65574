/** The journal of received requests (GET /_sandbox/requests): what tests count calls and duplicates with. */
export interface JournalEntry {
  seq: number;
  time: string;
  method: string;
  path: string;
  query: string;
  tenantId: string | null;
  idempotencyKey: string | null;
  /** HTTP status sent; null when the connection was dropped or left hanging. */
  status: number | null;
  /** For PUT/POST: how many elements the body carried (Invoices, Contacts…). */
  elements: number | null;
  /** true when the answer was replayed from the idempotency cache. */
  replayed: boolean;
  /** The injected fault, if any: error500, offline503, latency, hang, drop, rate429. */
  fault: string | null;
  /** 429s: the X-Rate-Limit-Problem sent. */
  rateLimitProblem: string | null;
  durationMs: number;
}

export class Journal {
  private entries: JournalEntry[] = [];
  private seq = 0;

  open(init: Pick<JournalEntry, 'time' | 'method' | 'path' | 'query'>): JournalEntry {
    const e: JournalEntry = {
      seq: ++this.seq,
      ...init,
      tenantId: null,
      idempotencyKey: null,
      status: null,
      elements: null,
      replayed: false,
      fault: null,
      rateLimitProblem: null,
      durationMs: 0,
    };
    this.entries.push(e);
    // Bounded so that a long throughput run cannot grow memory without end.
    if (this.entries.length > 100_000) this.entries.splice(0, 10_000);
    return e;
  }

  list(filter: { tenantId?: string; method?: string; path?: string; sinceSeq?: number }): JournalEntry[] {
    return this.entries.filter(
      (e) =>
        (!filter.tenantId || e.tenantId === filter.tenantId) &&
        (!filter.method || e.method === filter.method.toUpperCase()) &&
        (!filter.path || e.path.toLowerCase().includes(filter.path.toLowerCase())) &&
        (filter.sinceSeq === undefined || e.seq > filter.sinceSeq),
    );
  }

  clear(): void {
    this.entries = [];
  }
}
