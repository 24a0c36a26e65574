/**
 * What to do after a failed attempt, decided from the classification and Xero's headers alone.
 * Transient failures retry with capped exponential backoff and full jitter; rate limits and lost
 * connections pause the organisation (its exports stay queued, never failed); validation and
 * conflict failures fail, because repeating the same request cannot succeed.
 */
import type { Classified } from './catalog.ts';

export interface RetryPolicy {
  /** First backoff ceiling. Default 5 s. */
  baseMs: number;
  /** Backoff ceiling. Default 15 min. */
  capMs: number;
  /** Attempts (including the failed one) after which a transient failure fails. Default 10. */
  maxAttempts: number;
  /** Xero recommends retrying "The Organisation is offline" after about 5 minutes. Default 5 min. */
  organisationOfflineMinMs: number;
  /** Pause after a concurrent-limit 429, which carries no Retry-After. Default 5 s. */
  concurrentPauseMs: number;
  /** Pause when a minute/app/unknown 429 carries no Retry-After. Default 60 s. */
  minutePauseMs: number;
  /** Pause when a day-limit 429 carries no Retry-After: re-check hourly. Default 1 h. */
  dayPauseMs: number;
  /** How long a lost connection pauses before xport checks again (reconnecting resumes at once). Default 15 min. */
  authPauseMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  baseMs: 5_000,
  capMs: 15 * 60_000,
  maxAttempts: 10,
  organisationOfflineMinMs: 5 * 60_000,
  concurrentPauseMs: 5_000,
  minutePauseMs: 60_000,
  dayPauseMs: 60 * 60_000,
  authPauseMs: 15 * 60_000,
});

export type RetryDecision = { kind: 'retry'; at: Date } | { kind: 'pause'; until: Date; reason: string } | { kind: 'fail' };

export interface RetryContext {
  /** Attempts made so far, the failed one included (1 after the first failure). */
  attempts: number;
  headers: Record<string, string | undefined>;
  now: Date;
  /** [0, 1); defaults to Math.random. Injected for deterministic tests. */
  random?: () => number;
  policy?: Partial<RetryPolicy>;
}

/** Longest wait taken from a Retry-After header: a little over Xero's 24 h day window. */
const MAX_RETRY_AFTER_MS = 25 * 3600_000;

/** Retry-After as delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(headers: Record<string, string | undefined>, now: Date): number | undefined {
  const raw = Object.entries(headers)
    .find(([k]) => k.toLowerCase() === 'retry-after')?.[1]
    ?.trim();
  if (raw === undefined || raw === '') return undefined;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(raw)) ms = Number(raw) * 1000;
  else {
    const at = Date.parse(raw);
    if (Number.isNaN(at)) return undefined;
    ms = at - now.getTime();
  }
  return Math.min(Math.max(ms, 1000), MAX_RETRY_AFTER_MS);
}

/** Full jitter: uniform in [0, min(cap, base·2^(n−1))], so many failed exports do not retry in step. */
export function backoffMs(attempts: number, p: RetryPolicy, random: () => number): number {
  const exp = p.baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30);
  return Math.floor(random() * Math.min(p.capMs, exp));
}

function after(now: Date, ms: number): Date {
  return new Date(now.getTime() + ms);
}

function rateLimitPause(c: Classified, ctx: RetryContext, p: RetryPolicy): RetryDecision {
  const retryAfter = parseRetryAfter(ctx.headers, ctx.now);
  const fallback = c.code === 'rate_limit_day' ? p.dayPauseMs : c.code === 'rate_limit_concurrent' ? p.concurrentPauseMs : p.minutePauseMs;
  const until = after(ctx.now, retryAfter ?? fallback);
  const what = c.code === 'rate_limit_day' ? "Xero's daily API limit reached" : 'Xero rate limit reached';
  return { kind: 'pause', until, reason: `${what}; paused until ${until.toISOString()}` };
}

function transientRetry(c: Classified, ctx: RetryContext, p: RetryPolicy): RetryDecision {
  if (ctx.attempts >= p.maxAttempts) return { kind: 'fail' };
  let wait = backoffMs(ctx.attempts, p, ctx.random ?? Math.random);
  if (c.code === 'organisation_offline') wait = Math.max(wait, p.organisationOfflineMinMs);
  const retryAfter = parseRetryAfter(ctx.headers, ctx.now);
  if (retryAfter !== undefined) wait = Math.max(wait, retryAfter);
  return { kind: 'retry', at: after(ctx.now, wait) };
}

export function decideNext(c: Classified, ctx: RetryContext): RetryDecision {
  const p: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...ctx.policy };
  switch (c.class) {
    case 'transient':
      return transientRetry(c, ctx, p);
    case 'rate_limited':
      return rateLimitPause(c, ctx, p);
    case 'auth':
      // An expired access token is renewed by the client before the next call: retry at once, a few times.
      if (c.code === 'auth_token_expired' && ctx.attempts < 3) return { kind: 'retry', at: ctx.now };
      return { kind: 'pause', until: after(ctx.now, p.authPauseMs), reason: `Xero connection lost: ${c.message}. ${c.action}` };
    case 'validation':
    case 'conflict':
      return { kind: 'fail' };
  }
}
