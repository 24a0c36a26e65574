/** /Reports/TrialBalance and /Reports/BalanceSheet as at `date` (default: today on the sandbox clock). */
import { msToDay, parseRequestDay } from '../format/dates';
import { envelope, notFound, ok, validationMessage, type ApiReply } from '../http/replies';
import { balanceSheet } from '../reports/balance-sheet';
import { trialBalance } from '../reports/trial-balance';
import type { Dict, OrgState } from '../state/types';
import type { ApiRequest, ApiRoute } from './types';
import { MSG } from '../rules/messages';

type Builder = (org: OrgState, day: string, now: number) => Dict;

function report(build: Builder) {
  return (req: ApiRequest): ApiReply => {
    const now = req.ctx.clock.now();
    const day = req.query.date === undefined ? msToDay(now) : parseRequestDay(req.query.date);
    if (!day) return validationMessage(MSG.dateInvalid);
    return ok(envelope(req.appId, now, { Reports: [build(req.org, day, now)] }));
  };
}

const byName: Record<string, Builder> = { trialbalance: trialBalance, balancesheet: balanceSheet };

/** One route for /Reports/{name}: the name is the path segment after the resource. */
function reports(req: ApiRequest): ApiReply {
  const build = byName[(req.params[0] ?? '').toLowerCase()];
  return build ? report(build)(req) : notFound();
}

const R = ['accounting.reports.read', 'accounting.reports.trialbalance.read', 'accounting.reports.balancesheet.read'];

export const reportRoutes: ApiRoute[] = [{ method: 'GET', resource: 'reports', arity: 1, scopes: R, handler: reports }];
