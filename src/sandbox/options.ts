/**
 * Options of a sandbox instance and its rate limits, with Xero's published defaults (docs/xero.md#rate-limits).
 */
import { z } from 'zod';

export interface SandboxLimits {
  /** Calls per tenant per fixed minute window. Xero: 60. */
  perMinute: number;
  /** Calls per tenant per fixed day window. Xero: 5,000 (1,000 on the Starter tier). */
  perDay: number;
  /** Calls in progress at once per tenant. Xero: 5. */
  concurrent: number;
  /** Calls per minute across every tenant of one app. Xero: 10,000. */
  appPerMinute: number;
  /** false switches every limit off (throughput runs); the Remaining headers are still sent. */
  enabled: boolean;
}

export const DEFAULT_LIMITS: Readonly<SandboxLimits> = Object.freeze({
  perMinute: 60,
  perDay: 5000,
  concurrent: 5,
  appPerMinute: 10_000,
  enabled: true,
});

/** Body of PUT /_sandbox/limits: any subset; `tier` is a shorthand for the daily limit. */
export const limitsPatchSchema = z
  .object({
    perMinute: z.number().int().min(0).optional(),
    perDay: z.number().int().min(0).optional(),
    concurrent: z.number().int().min(0).optional(),
    appPerMinute: z.number().int().min(0).optional(),
    enabled: z.boolean().optional(),
    tier: z.enum(['starter', 'standard']).optional(),
  })
  .strict();

export type LimitsPatch = z.infer<typeof limitsPatchSchema>;

export function applyLimitsPatch(current: SandboxLimits, patch: LimitsPatch): SandboxLimits {
  const { tier, ...rest } = patch;
  const next: SandboxLimits = { ...current };
  if (tier) next.perDay = tier === 'starter' ? 1000 : 5000;
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) (next as unknown as Record<string, unknown>)[k] = v;
  return next;
}

export interface SandboxOptions {
  /** 0 = a random free port. Default 3100. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** The demo app's client id. Default 'xport-sandbox'. */
  clientId?: string;
  /** The demo app's client secret. Default 'xport-sandbox-secret'. */
  clientSecret?: string;
  /** Rate limits; anything left out takes Xero's value. */
  limits?: Partial<SandboxLimits>;
  /** Log requests with pino (fastify's logger). Default false. */
  logger?: boolean;
}

export const DEFAULT_CLIENT_ID = 'xport-sandbox';
export const DEFAULT_CLIENT_SECRET = 'xport-sandbox-secret';
