/**
 * Pre-validation: everything xport can know is wrong before spending an API call, checked against the
 * tenant's settings and cached reference data. Outcomes: send (possibly re-dated, some zero-value lines
 * dropped), fail with catalog entries, or hold until a lock date moves.
 */
import { prevalidationFailure, type Classified } from './catalog.ts';
import { checkEmail, checkTaxNumber } from './contact-rules.ts';
import { directionOf, isContactDocument, type ContactDocument, type ItemDocument, type JournalDocument, type SourceDocument } from './documents.ts';
import { blockingLock, firstOpenDay, governingLock, type LockKind, type MovedDate } from './lock-dates.ts';
import { checkAccount, checkTax, checkTracking, type LineCheckContext } from './prevalidate-lines.ts';
import { exactLineValue, isBelowHalfCent, journalSums, lineAmountIsZero, xeroAppliesDiscount, xeroLineValues } from './money.ts';
import { Decimal } from 'decimal.js';
import { resolveJournalAccount, resolveLineAccount } from './mapping.ts';
import type { OrgSettings } from './settings.ts';
import type { ReferenceData } from './types.ts';

export interface PrevalidateContext {
  settings: OrgSettings;
  reference: ReferenceData;
  /** Today in the organisation's calendar, YYYY-MM-DD. */
  today: string;
}

export interface DroppedLine {
  /** 0-based index into `lines`. */
  line: number;
  reason: string;
}

export type PrevalidateResult = { ok: true; dropped: DroppedLine[]; date: string; moved?: MovedDate } | { ok: false; failures: Classified[] } | { ok: 'hold'; reason: string };

export function prevalidate(doc: SourceDocument, ctx: PrevalidateContext): PrevalidateResult {
  if (isContactDocument(doc)) return prevalidateContact(doc, ctx);
  const dated = checkLockDates(doc.date, ctx);
  if (dated.kind === 'hold') return { ok: 'hold', reason: dated.reason };
  const failures: Classified[] = dated.kind === 'fail' ? [dated.failure] : [];
  const currency = checkCurrency(doc.currency, ctx.reference);
  if (currency) failures.push(currency);
  const lines = doc.kind === 'journal' ? checkJournal(doc, ctx) : checkItemLines(doc, ctx);
  failures.push(...lines.failures);
  if (failures.length > 0) return { ok: false, failures };
  if (dated.kind === 'ok' && dated.moved) return { ok: true, dropped: lines.dropped, date: dated.date, moved: dated.moved };
  return { ok: true, dropped: lines.dropped, date: dated.kind === 'ok' ? dated.date : doc.date };
}

function prevalidateContact(doc: ContactDocument, ctx: PrevalidateContext): PrevalidateResult {
  const failures: Classified[] = [];
  if (doc.email !== undefined && doc.email !== '') {
    const r = checkEmail(doc.email);
    if (!r.ok) failures.push(prevalidationFailure('email_invalid', { email: doc.email, reason: r.reason }));
  }
  if (doc.taxNumber !== undefined && doc.taxNumber !== '') {
    const country = ctx.reference.organisation.CountryCode;
    const r = checkTaxNumber(doc.taxNumber, country);
    if (!r.ok) failures.push(prevalidationFailure('contact_tax_number_invalid', { taxNumber: doc.taxNumber, label: r.label, format: r.format, country }));
  }
  const currency = checkCurrency(doc.currency, ctx.reference);
  if (currency) failures.push(currency);
  return failures.length > 0 ? { ok: false, failures } : { ok: true, dropped: [], date: ctx.today };
}

type LockOutcome = { kind: 'ok'; date: string; moved?: MovedDate } | { kind: 'fail'; failure: Classified } | { kind: 'hold'; reason: string };

function checkLockDates(date: string, ctx: PrevalidateContext): LockOutcome {
  const org = ctx.reference.organisation;
  const lock = blockingLock(date, org);
  if (!lock) return { kind: 'ok', date };
  const code = lock.kind === 'period' ? 'period_lock_date' : 'end_of_year_lock_date';
  switch (ctx.settings.lockDatePolicy) {
    case 'fail':
      return { kind: 'fail', failure: prevalidationFailure(code, { date, lockDate: lock.lockDate }) };
    case 'move_to_first_open_day': {
      const to = firstOpenDay(org) ?? date;
      const governing = governingLock(org) ?? lock;
      return { kind: 'ok', date: to, moved: { from: date, to, lockKind: governing.kind, lockDate: governing.lockDate } };
    }
    case 'hold':
      return { kind: 'hold', reason: lockHoldReason(date, lock) };
  }
}

/** Why an export is held by the "hold" lock-date policy. */
export function lockHoldReason(date: string, lock: { kind: LockKind; lockDate: string }): string {
  const what = lock.kind === 'period' ? 'period lock date' : 'end of year lock date';
  return `held: the document date ${date} is on or before the ${what} ${lock.lockDate} in Xero; it exports by itself when the lock date moves`;
}

function checkCurrency(currency: string | undefined, ref: ReferenceData): Classified | null {
  if (currency === undefined || currency === ref.organisation.BaseCurrency) return null;
  if (ref.currencies.some((c) => c.Code === currency)) return null;
  return prevalidationFailure('currency_not_enabled', { currency });
}

interface LinesOutcome {
  failures: Classified[];
  dropped: DroppedLine[];
}

function zeroValue(ctx: PrevalidateContext, index: number, what: string, value: Decimal, out: LinesOutcome): void {
  if (ctx.settings.roundingPolicy === 'drop_zero_lines') {
    out.dropped.push({ line: index, reason: `line ${index + 1} dropped: ${what} is worth ${value.toFixed()}, less than 0.005, which Xero would round to 0.00` });
  } else {
    out.failures.push(prevalidationFailure('zero_value_line', { what: `Line ${index + 1} (${what})`, value: value.toFixed() }));
  }
}

function checkItemLines(doc: ItemDocument, ctx: PrevalidateContext): LinesOutcome {
  const out: LinesOutcome = { failures: [], dropped: [] };
  const direction = directionOf(doc);
  const lc: LineCheckContext = { ...ctx, direction, out: out.failures };
  const discounts = xeroAppliesDiscount(doc.kind);
  doc.lines.forEach((line, i) => {
    const source = `line ${i + 1}`;
    const resolved = resolveLineAccount(doc, line, ctx.settings, direction);
    const account = checkAccount(resolved, source, lc);
    if (doc.amountsAre !== 'no_tax') checkTax(line.taxCode, account, source, lc);
    checkTracking(line.tracking, lc);
    // The exact value is only needed when Xero's amount rounds to zero (rare): worked out then.
    if (lineAmountIsZero(xeroLineValues(line, discounts, ctx.settings.unitDecimalPlaces))) {
      const exact = exactLineValue(line);
      if (!exact.isZero()) zeroValue(ctx, i, line.productCode ?? line.description ?? 'the line', exact, out);
    }
  });
  if (out.failures.length === 0 && out.dropped.length === doc.lines.length) out.failures.push(prevalidationFailure('nothing_to_export', {}));
  return out;
}

function checkJournal(doc: JournalDocument, ctx: PrevalidateContext): LinesOutcome {
  const out: LinesOutcome = { failures: [], dropped: [] };
  const lc: LineCheckContext = { ...ctx, direction: directionOf(doc), eitherDirection: true, out: out.failures };
  const net = doc.lines.reduce((s, l) => s.plus(l.amount), new Decimal(0));
  if (!net.isZero()) {
    const sums = journalSums(doc.lines.map((l) => l.amount));
    out.failures.push(prevalidationFailure('journal_unbalanced', { debits: sums.debits, credits: sums.credits }));
  }
  doc.lines.forEach((line, i) => {
    const account = checkAccount(resolveJournalAccount(line, ctx.settings), `line ${i + 1}`, lc);
    if (line.taxCode !== undefined) checkTax(line.taxCode, account, `line ${i + 1}`, lc);
    checkTracking(line.tracking, lc);
    if (isBelowHalfCent(line.amount)) zeroValue(ctx, i, line.description ?? `account ${line.account}`, new Decimal(line.amount), out);
  });
  const kept = doc.lines.filter((_l, i) => !out.dropped.some((d) => d.line === i));
  const { debits, net: roundedNet } = journalSums(kept.map((l) => l.amount));
  if (out.failures.length === 0 && new Decimal(debits).isZero()) out.failures.push(prevalidationFailure('nothing_to_export', {}));
  // Per-line rounding can leave cents over; xero-payloads posts them to the rounding account, so it must be valid.
  if (out.failures.length === 0 && !new Decimal(roundedNet).isZero()) {
    checkAccount({ code: ctx.settings.accounts.rounding, role: 'rounding', via: 'role' }, 'the rounding line', lc);
  }
  return out;
}
