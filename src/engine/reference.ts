/**
 * Xero reference data (accounts, tax rates, organisation with lock dates, tracking categories,
 * currencies): fetched from Xero, cached in the database, refreshed when older than `maxAgeMs`
 * and on demand (POST /api/v1/reference/refresh, "Refresh from Xero" in settings).
 */
import type { ReferenceCacheRepository } from '../db/repositories/reference-cache';
import type { Err, Result } from '../domain/result';
import type { ReferenceData, XeroOrganisation } from '../domain/types';
import { classifyHttpResponse, classifyNetworkFailure, isXportFailureCode, xportFailure, type CatalogCode, type Classified } from '../domain/catalog';
import { parseJson, type XeroClient } from '../xero/client';
import type { EventBus } from './events';
import { OpenGate, throughGate, type CallGate } from './limiter';

const KINDS = {
  organisation: '/Organisation',
  accounts: '/Accounts',
  tax_rates: '/TaxRates',
  tracking_categories: '/TrackingCategories',
  currencies: '/Currencies',
} as const;
const RESPONSE_KEYS: Record<keyof typeof KINDS, string> = {
  organisation: 'Organisations',
  accounts: 'Accounts',
  tax_rates: 'TaxRates',
  tracking_categories: 'TrackingCategories',
  currencies: 'Currencies',
};

/** "/Date(1552262400000+0000)/" or ISO → "YYYY-MM-DD"; absent → undefined. */
export function xeroDateToIso(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = /\/Date\((-?\d+)/.exec(value);
  if (ms?.[1]) return new Date(Number(ms[1])).toISOString().slice(0, 10);
  return /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : undefined;
}

/** Why reference data could not be read, classified like any other Xero answer. */
type FailureFields = { reason: string; classified: Classified; headers: Record<string, string> };
export type ReferenceFailure = Err<FailureFields>;

export type ReferenceResult = Result<{ data: ReferenceData }, FailureFields>;

export class ReferenceService {
  constructor(
    private readonly cache: ReferenceCacheRepository,
    private readonly xero: XeroClient,
    private readonly bus: EventBus,
    private readonly maxAgeMs = 60 * 60_000,
    /** Reference reads count against Xero's limits like any call: they go through the same gate. */
    private readonly gate: CallGate = new OpenGate(),
  ) {}

  /** What is cached now, as stored, without asking Xero (pages that must not wait for Xero). */
  cached(tenantId: string): Promise<{ data: Record<string, unknown>; fetchedAt: string | null }> {
    return this.cache.getAll(tenantId);
  }

  /** The cached data, refreshed first when missing or stale. */
  async get(tenantId: string, now = new Date()): Promise<ReferenceResult> {
    const cached = await this.cache.getAll(tenantId);
    const fresh = cached.fetchedAt && now.getTime() - Date.parse(cached.fetchedAt) < this.maxAgeMs && Object.keys(cached.data).length === Object.keys(KINDS).length;
    if (fresh) return { ok: true, data: toReferenceData(cached.data, cached.fetchedAt) };
    const refreshed = await this.refresh(tenantId, now);
    if (refreshed.ok) return refreshed;
    // Stale data beats no data: pre-validation on it is still better than none.
    if (Object.keys(cached.data).length === Object.keys(KINDS).length) return { ok: true, data: toReferenceData(cached.data, cached.fetchedAt) };
    return refreshed;
  }

  /** `now` is the caller's clock (a worker's injected one), so that `get` judges freshness on the same clock. */
  async refresh(tenantId: string, now = new Date()): Promise<ReferenceResult> {
    const fetched: Record<string, unknown> = {};
    for (const [kind, path] of Object.entries(KINDS) as Array<[keyof typeof KINDS, string]>) {
      const res = await throughGate(this.gate, tenantId)(() => this.xero.call({ method: 'GET', path, tenantId }));
      if (res.kind !== 'response' || res.status !== 200) {
        const reason = res.kind === 'response' ? `GET ${path} answered HTTP ${res.status} ${res.bodyText.slice(0, 200)}` : res.kind === 'network' ? `GET ${path}: ${res.detail}` : res.reason;
        await this.bus.emit('reference.failed', { tenantId, message: reason });
        const classified =
          res.kind === 'response'
            ? classifyHttpResponse({ status: res.status, headers: res.headers, bodyText: res.bodyText })
            : res.kind === 'network'
              ? classifyNetworkFailure(res.failure, res.detail)
              : classifyNoToken(res.code, res.reason);
        return { ok: false, reason, classified, headers: res.kind === 'response' ? res.headers : {} };
      }
      const body = parseJson(res.bodyText) as Record<string, unknown> | null;
      fetched[kind] = body?.[RESPONSE_KEYS[kind]] ?? [];
    }
    for (const [kind, data] of Object.entries(fetched)) await this.cache.put(tenantId, kind, data, now);
    const result = toReferenceData(fetched, now.toISOString());
    await this.bus.emit('reference.refreshed', {
      tenantId,
      counts: { accounts: result.accounts.length, 'tax rates': result.taxRates.length, 'tracking categories': result.trackingCategories.length, currencies: result.currencies.length },
    });
    return { ok: true, data: result };
  }

  /**
   * Reads only the organisation (its lock dates) again, through the gate: Xero refused a document for
   * a lock date the cache did not know. Null when Xero could not be read.
   */
  async refreshOrganisation(tenantId: string, now = new Date()): Promise<XeroOrganisation | null> {
    const res = await throughGate(this.gate, tenantId)(() => this.xero.call({ method: 'GET', path: KINDS.organisation, tenantId }));
    if (res.kind !== 'response' || res.status !== 200) {
      const reason = res.kind === 'response' ? `GET ${KINDS.organisation} answered HTTP ${res.status}` : res.kind === 'network' ? `GET ${KINDS.organisation}: ${res.detail}` : res.reason;
      await this.bus.emit('reference.failed', { tenantId, message: reason });
      return null;
    }
    const body = parseJson(res.bodyText) as Record<string, unknown> | null;
    const data = body?.[RESPONSE_KEYS.organisation] ?? [];
    await this.cache.put(tenantId, 'organisation', data, now);
    const organisation = toReferenceData({ organisation: data }, null).organisation;
    await this.bus.emit('reference.lock_dates', { tenantId, periodLockDate: organisation.PeriodLockDate ?? null, endOfYearLockDate: organisation.EndOfYearLockDate ?? null });
    return organisation;
  }
}

function toReferenceData(raw: Record<string, unknown>, fetchedAt: string | null): ReferenceData {
  const orgs = (raw.organisation ?? []) as Array<Record<string, unknown>>;
  const org = orgs[0] ?? {};
  const organisation: XeroOrganisation = {
    Name: String(org.Name ?? ''),
    CountryCode: String(org.CountryCode ?? ''),
    BaseCurrency: String(org.BaseCurrency ?? ''),
    ...(typeof org.ShortCode === 'string' && org.ShortCode !== '' ? { ShortCode: org.ShortCode } : {}),
    PeriodLockDate: xeroDateToIso(org.PeriodLockDate),
    EndOfYearLockDate: xeroDateToIso(org.EndOfYearLockDate),
  };
  return {
    organisation,
    accounts: (raw.accounts ?? []) as ReferenceData['accounts'],
    taxRates: (raw.tax_rates ?? []) as ReferenceData['taxRates'],
    trackingCategories: (raw.tracking_categories ?? []) as ReferenceData['trackingCategories'],
    currencies: (raw.currencies ?? []) as ReferenceData['currencies'],
    fetchedAt: fetchedAt ?? undefined,
  };
}

/**
 * No access token could be had: classify by the token source's code (an unreachable identity server
 * is transient; a refused or missing connection is an auth failure that pauses the organisation).
 */
export function classifyNoToken(code: CatalogCode, reason: string): Classified {
  if (isXportFailureCode(code)) return xportFailure(code, { detail: reason });
  return { ...classifyHttpResponse({ status: 401, headers: {}, bodyText: reason }), message: reason };
}
