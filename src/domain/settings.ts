/**
 * Per-organisation settings: account and tax mappings, contact links, tracking, Xero statuses and the
 * lock-date and rounding policies. Stored as JSON per tenant; parse with `orgSettingsSchema`, which
 * fills every missing field with its default, so an old stored JSON keeps working after new fields arrive.
 */
import { z } from 'zod';
import { ACCOUNT_ROLES, type AccountRole } from './document-schemas.ts';
import type { Result } from './result.ts';

const code = z.string().trim().min(1).max(10);
const sourceKey = z.string().trim().min(1).max(255);
const taxType = z.string().trim().min(1).max(50);

/** Default account codes of a new Xero organisation (the demo company's chart). */
export const DEFAULT_ACCOUNT_CODES: Record<AccountRole, string> = {
  sales: '200',
  cogs: '310',
  stock_on_hand: '630',
  purchases: '300',
  freight: '425',
  rounding: '860',
};

/** Demo tax mappings for a New Zealand organisation (GST 15% = OUTPUT2 / INPUT2). */
export const DEFAULT_TAX_MAPPINGS = {
  sales: { 'G.S.T.': 'OUTPUT2', NONE: 'NONE', ZERO: 'ZERORATED' },
  purchases: { 'G.S.T.': 'INPUT2', NONE: 'NONE', ZERO: 'ZERORATED' },
} as const;

/**
 * A map keyed by source values (product groups, customer codes, tax codes): any key is an ordinary
 * key, `constructor`, `toString` and `__proto__` included. zod's own record drops `__proto__` and a
 * plain object answers `constructor` when asked for a key it does not hold, so the result is an
 * object without a prototype whose keys are all its own.
 */
function sourceMap<V extends z.ZodType<string>>(value: V) {
  return z
    .custom<Record<string, z.output<V>>>(isRecord, { message: 'must be an object of code → value' })
    .transform((input, ctx) => {
      const out = Object.create(null) as Record<string, z.output<V>>;
      for (const [rawKey, rawValue] of Object.entries(input)) {
        const k = sourceKey.safeParse(rawKey);
        const v = value.safeParse(rawValue);
        for (const issue of [...(k.success ? [] : k.error.issues), ...(v.success ? [] : v.error.issues)]) {
          ctx.issues.push({ code: 'custom', message: issue.message, path: [rawKey], input: rawValue });
        }
        if (k.success && v.success) Object.defineProperty(out, k.data, { value: v.data, enumerable: true, writable: true, configurable: true });
      }
      return out;
    })
    .meta({ type: 'object', additionalProperties: { type: 'string' }, description: 'Source value → Xero value' });
}

/** The value of `key` in a source map, only if the map holds it itself (never an inherited member). */
export function mapped<V>(map: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

const accountsSchema = z.object(Object.fromEntries(ACCOUNT_ROLES.map((r) => [r, code.default(DEFAULT_ACCOUNT_CODES[r])])) as Record<AccountRole, z.ZodDefault<typeof code>>).strict();

const invoiceStatus = z.enum(['DRAFT', 'SUBMITTED', 'AUTHORISED']).default('AUTHORISED');

export const orgSettingsSchema = z.strictObject({
  /** Account role → Xero account code. Defaults: sales 200, cogs 310, stock_on_hand 630, purchases 300, freight 425, rounding 860. */
  accounts: accountsSchema.prefault({}),
  /** Product group → sales account code (or role). Used when a line has no explicit account code. */
  productGroupSalesAccounts: sourceMap(code).prefault({}),
  /** Customer sourceId → sales account code (or role). After product group, before the default. */
  customerSalesAccounts: sourceMap(code).prefault({}),
  /** Account code named on a source line (not a role) → the Xero account code to post it to. Empty by default. */
  lineAccountCodes: sourceMap(code).prefault({}),
  /** Source tax code → Xero TaxType, one table per direction (Xero tax rates are sales- or purchase-side). */
  taxMappings: z
    .strictObject({
      sales: sourceMap(taxType).prefault({ ...DEFAULT_TAX_MAPPINGS.sales }),
      purchases: sourceMap(taxType).prefault({ ...DEFAULT_TAX_MAPPINGS.purchases }),
    })
    .prefault({}),
  /** Send the customer/supplier code as the Xero AccountNumber (default true; turn off on "Account Number already exists"). */
  sendCustomerCodeAsAccountNumber: z.boolean().default(true),
  /** Up to two: source tracking category → Xero TrackingCategory name. Options map by name. */
  tracking: z
    .array(z.strictObject({ sourceCategory: sourceKey, xeroCategory: sourceKey }))
    .max(2)
    .default([]),
  /** Xero status to create documents in, per kind. Default AUTHORISED. */
  xeroStatus: z
    .strictObject({
      sales_invoice: invoiceStatus,
      sales_credit: invoiceStatus,
      purchase_bill: invoiceStatus,
      supplier_credit: invoiceStatus,
      journal: z.enum(['DRAFT', 'POSTED']).default('POSTED'),
    })
    .prefault({}),
  /** A document dated on or before a lock date: fail it, move it to the first open day, or hold it until the lock moves. Default fail. */
  lockDatePolicy: z.enum(['fail', 'move_to_first_open_day', 'hold']).default('fail'),
  /** Lines (or journals) worth less than 0.005: drop zero-value lines and log it, or fail. Default drop_zero_lines. */
  roundingPolicy: z.enum(['drop_zero_lines', 'fail']).default('drop_zero_lines'),
  /** Source contact → Xero ContactID, set on first export or by "link to existing Xero contact". */
  contactLinks: z
    .strictObject({
      customer: sourceMap(z.string().min(1)).prefault({}),
      supplier: sourceMap(z.string().min(1)).prefault({}),
    })
    .prefault({}),
  /** Send unit prices with 4 decimals (Xero `unitdp=4`); documents accept up to 4. Default 4. */
  unitDecimalPlaces: z.union([z.literal(2), z.literal(4)]).default(4),
});

export type OrgSettings = z.output<typeof orgSettingsSchema>;

/** Settings that passed validation, or every problem found (nothing is saved then). */
export type SettingsResult = Result<{ settings: OrgSettings }, { issues: Array<{ path: string; message: string }> }>;

export function defaultSettings(): OrgSettings {
  return orgSettingsSchema.parse({});
}

/** A deep partial patch applied over current settings; records and arrays are replaced, not merged. */
export function applySettingsPatch(current: OrgSettings, patch: unknown): SettingsResult {
  const merged = isRecord(patch) ? deepMerge(current, patch) : patch;
  const r = orgSettingsSchema.safeParse(merged);
  if (r.success) return { ok: true, settings: r.data };
  return {
    ok: false,
    issues: r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Objects that are fixed-shape (accounts, xeroStatus, …) merge key by key; maps keyed by source values are replaced. */
const REPLACED_MAPS = new Set(['productGroupSalesAccounts', 'customerSalesAccounts', 'lineAccountCodes', 'sales', 'purchases', 'customer', 'supplier']);

function deepMerge(base: unknown, patch: Record<string, unknown>): Record<string, unknown> {
  // Own properties only, defined rather than assigned: a `__proto__` key stays a key.
  const out = Object.assign(Object.create(null) as Record<string, unknown>, isRecord(base) ? base : {});
  for (const [k, v] of Object.entries(patch)) {
    const value = isRecord(v) && !REPLACED_MAPS.has(k) ? deepMerge(mapped(out, k), v) : v;
    Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
