/**
 * Injected faults (POST /_sandbox/faults). A rule fires for the next `count` matching requests, or
 * for a `rate` of them (0.25 = every fourth, deterministically, so tests are repeatable), or both.
 * `phase: "after"` processes the request first and then fails the answer: the write is kept, which is
 * how a lost response after a commit looks to a client.
 */
import { z } from 'zod';

export const FAULT_KINDS = ['error500', 'offline503', 'unavailable503', 'maintenance503', 'latency', 'hang', 'drop', 'rate429', 'tooLarge413'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Xero refuses these before it processes anything, so they never come after a write. */
const BEFORE_ONLY: readonly FaultKind[] = ['rate429', 'tooLarge413'];

export const faultRuleSchema = z
  .object({
    kind: z.enum(FAULT_KINDS),
    count: z.number().int().min(1).optional(),
    rate: z.number().min(0).max(1).optional(),
    phase: z.enum(['before', 'after']).default('before'),
    latencyMs: z.number().int().min(0).max(600_000).default(1000),
    problem: z.enum(['minute', 'day', 'concurrent', 'appminute']).default('minute'),
    retryAfter: z.number().int().min(0).optional(),
    match: z
      .object({
        method: z.string().optional(),
        path: z.string().optional(),
        tenantId: z.string().optional(),
      })
      .strict()
      .default({}),
  })
  .strict()
  .transform((r) => (BEFORE_ONLY.includes(r.kind) ? { ...r, phase: 'before' as const } : r));

export type FaultRule = z.infer<typeof faultRuleSchema>;

export const faultsBodySchema = z.union([faultRuleSchema, z.object({ faults: z.array(faultRuleSchema) }).strict()]);

interface Armed {
  id: number;
  rule: FaultRule;
  remaining: number | null;
  acc: number;
  fired: number;
}

export interface FaultView extends FaultRule {
  id: number;
  remaining: number | null;
  fired: number;
}

export class FaultInjector {
  private rules: Armed[] = [];
  private nextId = 1;

  add(rule: FaultRule): FaultView {
    const armed: Armed = { id: this.nextId++, rule, remaining: rule.count ?? (rule.rate === undefined ? 1 : null), acc: 0, fired: 0 };
    this.rules.push(armed);
    return this.view(armed);
  }

  list(): FaultView[] {
    return this.rules.map((a) => this.view(a));
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault to apply to this request in this phase, if any rule fires. */
  take(req: { method: string; path: string; tenantId: string | null }, phase: 'before' | 'after'): FaultRule | null {
    for (const a of this.rules) {
      if (a.rule.phase !== phase || !this.matches(a.rule, req)) continue;
      if (!this.fires(a)) continue;
      a.fired++;
      if (a.remaining !== null) a.remaining--;
      if (a.remaining === 0) this.rules = this.rules.filter((r) => r !== a);
      return a.rule;
    }
    return null;
  }

  private fires(a: Armed): boolean {
    if (a.rule.rate === undefined) return true;
    a.acc += a.rule.rate;
    if (a.acc + 1e-9 < 1) return false;
    a.acc -= 1;
    return true;
  }

  private matches(rule: FaultRule, req: { method: string; path: string; tenantId: string | null }): boolean {
    const m = rule.match;
    if (m.method && m.method.toUpperCase() !== req.method) return false;
    if (m.path && !req.path.toLowerCase().includes(m.path.toLowerCase())) return false;
    if (m.tenantId && m.tenantId.toLowerCase() !== (req.tenantId ?? '').toLowerCase()) return false;
    return true;
  }

  private view(a: Armed): FaultView {
    return { ...a.rule, id: a.id, remaining: a.remaining, fired: a.fired };
  }
}
