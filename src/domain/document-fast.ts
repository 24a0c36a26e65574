/**
 * A fast path for the document schemas (document-schemas.ts): the common, valid document is checked
 * and normalised by plain code instead of zod, which costs several times more per document at ingest
 * and again when a stored document is read back for export.
 *
 * The contract, checked by test/property/document-fast.property.test.ts on generated hostile input:
 * whenever `fastParseDocument` returns a document, zod accepts the same input and returns a document
 * equal to it, key order included (so `JSON.stringify` of both is the same bytes). It never reports
 * errors: anything it is not sure of (a wrong type, an unknown field, a range to check, a value zod
 * would refuse) returns `undefined`, and the caller runs zod, which gives the messages. So every
 * check stays zod's, and a stored document is still brought to the current schema by the same rules.
 */
import { Decimal } from 'decimal.js';
import { util } from 'zod/v4/core';
import { ACCOUNT_ROLES, JOURNAL_TYPES, type SourceDocument } from './document-schemas.ts';
import { canonicalDecimalText, isCalendarDate } from './fields.ts';
import type { DocumentKind } from './types.ts';

/** "Not sure": let zod decide. */
const NO: unique symbol = Symbol('no');
type Parser = (v: unknown) => unknown;

/** How a field is given: required, optional (absent stays absent), or a default filled in when absent. */
type Field = readonly [key: string, parse: Parser, mode: 'required' | 'optional' | { default: unknown }];

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function strictObject(fields: readonly Field[], refine?: (out: Record<string, unknown>) => boolean): Parser {
  const allowed = new Set(fields.map((f) => f[0]));
  return (v) => {
    if (!isPlainObject(v)) return NO;
    for (const k of Object.keys(v)) if (!allowed.has(k)) return NO;
    const out: Record<string, unknown> = {};
    for (const [key, parse, mode] of fields) {
      if (!Object.prototype.hasOwnProperty.call(v, key)) {
        if (mode === 'required') return NO;
        if (mode !== 'optional') out[key] = mode.default;
        continue;
      }
      const raw = v[key];
      // An explicit undefined is what zod's optional accepts, but what it outputs is not worth copying here.
      if (raw === undefined) return NO;
      const parsed = parse(raw);
      if (parsed === NO) return NO;
      out[key] = parsed;
    }
    if (refine && !refine(out)) return NO;
    return out;
  };
}

function array(item: Parser, min: number, max: number): Parser {
  return (v) => {
    if (!Array.isArray(v) || v.length < min || v.length > max) return NO;
    const out: unknown[] = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i += 1) {
      const parsed = item(v[i]);
      if (parsed === NO) return NO;
      out[i] = parsed;
    }
    return out;
  };
}

/** Within zod's max length: zod counts code points (a surrogate pair is one character), with its own helper. */
function fits(t: string, max: number): boolean {
  return t.length <= max || util.codePointLength(t) <= max;
}

/** textField(max): trimmed, 1..max characters. */
function text(max: number): Parser {
  return (v) => {
    if (typeof v !== 'string') return NO;
    const t = v.trim();
    return t.length >= 1 && fits(t, max) ? t : NO;
  };
}

/** z.string().trim().max(max): empty allowed. */
function looseText(max: number): Parser {
  return (v) => {
    if (typeof v !== 'string') return NO;
    const t = v.trim();
    return fits(t, max) ? t : NO;
  };
}

function oneOf(values: readonly string[]): Parser {
  return (v) => (typeof v === 'string' && values.includes(v) ? v : NO);
}

function literal(value: string): Parser {
  return (v) => (v === value ? v : NO);
}

/** decimalField({ maxDp }) without a range. */
function decimal(maxDp: number): Parser {
  return (v) => canonicalDecimalText(v, maxDp) ?? NO;
}

/** decimalField with a range: the bounds compared as zod's transform does. */
function rangedDecimal(maxDp: number, min: string, max: string): Parser {
  return (v) => {
    const c = canonicalDecimalText(v, maxDp);
    if (c === undefined) return NO;
    const d = new Decimal(c);
    return d.lt(min) || d.gt(max) ? NO : c;
  };
}

const revision: Parser = (v) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 ? v : NO);
const date: Parser = (v) => (typeof v === 'string' && isCalendarDate(v) ? v : NO);
const CURRENCY_RE = /^[A-Z]{3}$/;
const currency: Parser = (v) => (typeof v === 'string' && CURRENCY_RE.test(v) ? v : NO);
const ROLES: readonly string[] = ACCOUNT_ROLES;
const account: Parser = (v) => {
  if (typeof v !== 'string') return NO;
  const t = v.trim();
  return t.length >= 1 && (t.length <= 10 || ROLES.includes(t)) ? t : NO;
};

const tracking = array(
  strictObject([
    ['category', text(100), 'required'],
    ['option', text(100), 'required'],
  ]),
  0,
  2,
);

const address = strictObject([
  ['type', oneOf(['postal', 'street']), { default: 'postal' }],
  ['line1', text(500), 'optional'],
  ['line2', text(500), 'optional'],
  ['line3', text(500), 'optional'],
  ['line4', text(500), 'optional'],
  ['city', text(255), 'optional'],
  ['region', text(255), 'optional'],
  ['postalCode', text(50), 'optional'],
  ['country', text(50), 'optional'],
  ['attention', text(255), 'optional'],
]);

function contact(kind: 'customer' | 'supplier'): Parser {
  return strictObject([
    ['kind', literal(kind), 'required'],
    ['sourceId', text(50), 'required'],
    ['revision', revision, 'optional'],
    ['name', text(255), 'required'],
    ['email', looseText(255), 'optional'],
    ['taxNumber', looseText(50), 'optional'],
    ['firstName', text(255), 'optional'],
    ['lastName', text(255), 'optional'],
    ['currency', currency, 'optional'],
    ['code', text(50), 'optional'],
    ['accountNumber', text(50), 'optional'],
    ['phone', text(50), 'optional'],
    ['mobile', text(50), 'optional'],
    ['website', text(255), 'optional'],
    ['addresses', array(address, 0, 2), 'optional'],
  ]);
}

const MAX_LINES = 1000;

const itemLine = strictObject(
  [
    ['productCode', text(255), 'optional'],
    ['description', text(4000), 'optional'],
    ['quantity', decimal(4), { default: '1' }],
    ['unitPrice', decimal(4), 'required'],
    ['discountRate', rangedDecimal(4, '0', '100'), 'optional'],
    ['taxCode', text(50), 'optional'],
    ['account', account, 'optional'],
    ['productGroup', text(255), 'optional'],
    ['tracking', tracking, 'optional'],
  ],
  (l) => l.productCode !== undefined || l.description !== undefined,
);

function itemDocument(kind: string): Parser {
  return strictObject([
    ['kind', literal(kind), 'required'],
    ['sourceId', text(255), 'required'],
    ['revision', revision, 'optional'],
    ['date', date, 'required'],
    ['dueDate', date, 'optional'],
    ['contact', text(50), 'required'],
    ['currency', currency, 'optional'],
    ['reference', text(255), 'optional'],
    ['amountsAre', oneOf(['exclusive', 'inclusive', 'no_tax']), { default: 'exclusive' }],
    ['lines', array(itemLine, 1, MAX_LINES), 'required'],
  ]);
}

const journalLine = strictObject([
  ['account', account, 'required'],
  ['amount', decimal(4), 'required'],
  ['description', text(4000), 'optional'],
  ['taxCode', text(50), 'optional'],
  ['tracking', tracking, 'optional'],
]);

const journal = strictObject([
  ['kind', literal('journal'), 'required'],
  ['sourceId', text(255), 'required'],
  ['revision', revision, 'optional'],
  ['journalType', oneOf(JOURNAL_TYPES), 'required'],
  ['date', date, 'required'],
  ['narration', text(4000), 'optional'],
  ['currency', currency, 'optional'],
  ['lines', array(journalLine, 2, MAX_LINES), 'required'],
]);

const PARSERS: Record<DocumentKind, Parser> = {
  customer: contact('customer'),
  supplier: contact('supplier'),
  sales_invoice: itemDocument('sales_invoice'),
  sales_credit: itemDocument('sales_credit'),
  purchase_bill: itemDocument('purchase_bill'),
  supplier_credit: itemDocument('supplier_credit'),
  journal,
};

/** The document zod would return for this input, or undefined when zod must be asked (see the file comment). */
export function fastParseDocument(kind: DocumentKind, input: unknown): SourceDocument | undefined {
  const parse = PARSERS[kind] as Parser | undefined;
  if (!parse) return undefined;
  const out = parse(input);
  return out === NO ? undefined : (out as SourceDocument);
}
