/**
 * Manual journals: at least two lines, every line on a valid account, lines below 0.005 refused,
 * debits equal to credits ("The total debits (100.00) must equal total credits (-10.00)"), lock
 * dates for posted journals. LineAmountTypes defaults to NoTax; with tax, the balance is of gross amounts.
 */
import { parseRequestDay, msToDay } from '../format/dates';
import { dicts, str } from '../http/input';
import { Dec, ZERO, parseAmount, round2 } from '../money/decimal';
import { belowHalfCent } from '../money/lines';
import { newId } from '../state/ids';
import type { Dict, JournalLineRec, JournalRec, JournalStatus, LineAmountTypes, OrgState } from '../state/types';
import { checkLineRefs, findAccount } from './accounts';
import { lockDateError } from './lock-dates';
import { MSG } from './messages';
import { resolveTracking } from './tracking';

const LATS: LineAmountTypes[] = ['Exclusive', 'Inclusive', 'NoTax'];

export type JournalBuild = { ok: true; journal: JournalRec; warnings: string[] } | { ok: false; errors: string[] };

function buildLine(org: OrgState, l: Dict, lat: LineAmountTypes, draft: boolean, errors: string[], warnings: string[]): { rec: JournalLineRec; gross: Dec } {
  let code = str(l.AccountCode);
  // A draft may be incomplete: Xero drops an unrecognised account from its line and answers WARNING.
  if (draft && code && !str(l.AccountID) && !findAccount(org, code, undefined)) {
    warnings.push(MSG.accountRemoved(code));
    code = undefined;
  }
  const refs = checkLineRefs(org, { AccountCode: code, AccountID: str(l.AccountID), TaxType: str(l.TaxType) }, 'journal', draft, errors);
  const raw = parseAmount(l.LineAmount);
  if (raw === 'invalid') errors.push(MSG.numberInvalid('LineAmount', String(l.LineAmount)));
  const exact = raw === 'invalid' || raw === null ? ZERO : raw;
  if (belowHalfCent(exact)) errors.push(MSG.accountInvalid, MSG.taxRateInvalid);
  const amount = round2(exact);
  const override = parseAmount(l.TaxAmount);
  const r = refs.ratePercent.div(100);
  let tax = ZERO;
  if (lat !== 'NoTax') tax = override instanceof Dec ? round2(override) : round2(lat === 'Inclusive' ? amount.mul(r).div(r.add(1)) : amount.mul(r));
  const rec: JournalLineRec = {
    LineAmount: amount.toFixed(2),
    AccountCode: refs.account?.Code ?? code ?? '',
    AccountID: refs.account?.AccountID ?? '',
    ...(str(l.Description) !== undefined ? { Description: str(l.Description) } : {}),
    ...(refs.taxRate ? { TaxType: refs.taxRate.TaxType } : {}),
    TaxAmount: tax.toFixed(2),
    Tracking: resolveTracking(org, l.Tracking, errors),
  };
  return { rec, gross: lat === 'Exclusive' ? amount.add(tax) : amount };
}

function balanceError(gross: Dec[]): string | null {
  const debits = gross.filter((g) => g.gt(0)).reduce((a, b) => a.add(b), ZERO);
  const credits = gross.filter((g) => g.lt(0)).reduce((a, b) => a.add(b), ZERO);
  return debits.add(credits).isZero() ? null : MSG.journalUnbalanced(debits.toFixed(2), credits.toFixed(2));
}

function statusError(existing: JournalRec | null, to: JournalStatus): string | null {
  if (!existing) return to === 'DRAFT' || to === 'POSTED' ? null : MSG.documentNotModifiable;
  if (existing.Status === 'DELETED' || existing.Status === 'VOIDED') return MSG.documentNotModifiable;
  if (existing.Status === 'POSTED') return to === 'POSTED' || to === 'VOIDED' ? null : MSG.documentNotModifiable;
  return to === 'VOIDED' ? MSG.documentNotModifiable : null;
}

export function buildJournal(org: OrgState, input: Dict, existing: JournalRec | null, appId: string, now: number): JournalBuild {
  const status = (str(input.Status)?.toUpperCase() ?? existing?.Status ?? 'DRAFT') as JournalStatus;
  const se = statusError(existing, status);
  if (se) return { ok: false, errors: [se] };
  if (existing && (status === 'VOIDED' || status === 'DELETED')) return { ok: true, journal: { ...existing, Status: status, UpdatedDateUTC: now }, warnings: [] };
  const errors: string[] = [];
  const warnings: string[] = [];
  const narration = str(input.Narration) ?? existing?.Narration;
  if (!narration) errors.push(MSG.journalNarration);
  const date = input.Date !== undefined ? parseRequestDay(input.Date) : (existing?.Date ?? msToDay(now));
  if (!date) errors.push(MSG.dateInvalid);
  const latRaw = str(input.LineAmountTypes) ?? existing?.LineAmountTypes ?? 'NoTax';
  const lat = LATS.find((l) => l.toLowerCase() === latRaw.toLowerCase()) ?? 'NoTax';
  const draft = status === 'DRAFT';
  const built = input.JournalLines !== undefined ? dicts(input.JournalLines).map((l) => buildLine(org, l, lat, draft, errors, warnings)) : null;
  const lines = built?.map((b) => b.rec) ?? existing?.Lines ?? [];
  if (lines.length < 2 && !draft) errors.push(MSG.journalLines);
  if (built && !draft) {
    const be = balanceError(built.map((b) => b.gross));
    if (be) errors.push(be);
  }
  if (date && !draft) {
    const lock = lockDateError(org, date);
    if (lock) errors.push(lock);
  }
  if (errors.length) return { ok: false, errors: [...new Set(errors)] };
  return {
    ok: true,
    warnings,
    journal: {
      ManualJournalID: existing?.ManualJournalID ?? newId(),
      Narration: narration ?? '',
      Date: date ?? '',
      Status: status,
      LineAmountTypes: lat,
      Lines: lines,
      ShowOnCashBasisReports: typeof input.ShowOnCashBasisReports === 'boolean' ? input.ShowOnCashBasisReports : (existing?.ShowOnCashBasisReports ?? true),
      ...((str(input.Url) ?? existing?.Url) ? { Url: str(input.Url) ?? existing?.Url } : {}),
      UpdatedDateUTC: now,
      createdBy: existing?.createdBy ?? appId,
    },
  };
}
