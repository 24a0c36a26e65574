/**
 * GET /reconciliation: what Xero holds that differs from what xport exported (each difference with its
 * cause and what resolves it), the account balances beside Xero's, and the runs with the calls they
 * used of the day's budget. POST /reconciliation/run: run now (admins).
 */
import type { FastifyInstance } from 'fastify';
import type { BalanceView, ReportedDifference, RunRow } from '../../app/reconciliation-service';
import type { Runtime } from '../../app/runtime';
import { ReconciliationBusyError } from '../../engine/reconciliation/run';
import { requireAdmin, setFlash } from '../auth/session';
import { pageContext, tenantFor, type PageContext } from './context';
import { isRealXero, kindLabel, plural, positiveInt, time } from './format';
import { html, type Html } from './html';
import { csrfField, emptyState, page } from './layout';

const ROLE_LABELS: Readonly<Record<string, string>> = { stock_on_hand: 'Stock on Hand', cogs: 'Cost of Goods Sold', sales: 'Sales' };
const dash = html`<span class="muted">—</span>`;

function differencesTable(ctx: PageContext, rows: ReportedDifference[]): Html {
  if (rows.length === 0) return emptyState('Xero matches what xport exported', 'No exported document was voided, deleted or changed in Xero as of the last run.');
  const real = isRealXero(ctx.rt.config.xero.apiUrl);
  return html`<div class="table-wrap"><table class="grid" id="reconciliation-grid"><thead><tr><th scope="col">Document</th><th scope="col">Difference</th>
<th scope="col">xport exported</th><th scope="col">Xero holds</th><th scope="col">Cause</th><th scope="col">What to do</th><th scope="col">Found</th></tr></thead>
<tbody>${rows.map(
    (r) => html`<tr data-issue="${r.issue}"><td data-label="Document">${kindLabel(r.kind)} <a href="/documents?q=${encodeURIComponent(r.sourceId)}">${r.reference}</a>
${real && r.xeroUrl ? html` <a class="small" href="${r.xeroUrl}" target="_blank" rel="noopener noreferrer">Open in Xero</a>` : ''}</td>
<td data-label="Difference"><span class="badge badge-failed">${r.title}</span></td>
<td data-label="xport exported">${r.xport.date ?? dash} · ${r.xport.total ?? dash}</td>
<td data-label="Xero holds">${r.xero.status ?? dash} · ${r.xero.date ?? dash} · ${r.xero.total ?? dash}</td>
<td data-label="Cause">${r.cause}</td>
<td data-label="What to do"><ul class="plain">${r.actions.map((a) => html`<li>${a.label}</li>`)}</ul>
${ctx.canEdit ? html`<form method="post" action="/reconciliation/${r.exportId}/accept">${csrfField(ctx)}<button class="btn btn-small">Accept Xero’s version</button></form>` : ''}</td>
<td data-label="Found" class="nowrap">${time(r.since, 'datetime', ctx.tz)}</td></tr>`,
  )}</tbody></table></div>`;
}

function balancesTable(rows: BalanceView[]): Html {
  if (rows.length === 0) return emptyState('No balances yet', 'Each run compares the mapped accounts with Xero’s trial balance.');
  return html`<div class="table-wrap"><table class="grid" id="balances-grid"><thead><tr><th scope="col">As at</th><th scope="col">Account</th>
<th scope="col" class="num">Xero</th><th scope="col" class="num">Exported by xport</th><th scope="col" class="num">Variance</th><th scope="col" class="num">Source system</th><th scope="col">Explained by</th></tr></thead>
<tbody>${rows.map(
    (b) => html`<tr><td data-label="As at" class="nowrap">${b.asOf}</td><td data-label="Account">${ROLE_LABELS[b.role] ?? b.role} (${b.accountCode})</td>
<td data-label="Xero" class="num">${b.xeroValue ?? dash}</td><td data-label="Exported by xport" class="num">${b.xportValue}</td>
<td data-label="Variance" class="num">${b.variance ?? dash}</td><td data-label="Source system" class="num">${b.sourceValue ?? dash}</td>
<td data-label="Explained by">${b.explainedBy.length ? b.explainedBy.map((e) => html`<span class="nowrap">${e.sourceId} (${e.issue})</span> `) : dash}</td></tr>`,
  )}</tbody></table></div>`;
}

function runsTable(ctx: PageContext, runs: RunRow[]): Html {
  if (runs.length === 0) return emptyState('No run yet', 'Reconciliation runs on its schedule, or now with the button above.');
  return html`<div class="table-wrap"><table class="grid" id="runs-grid"><thead><tr><th scope="col">Started</th><th scope="col">By</th><th scope="col">Outcome</th>
<th scope="col" class="num">Xero calls</th><th scope="col" class="num">Checked</th><th scope="col" class="num">New differences</th></tr></thead>
<tbody>${runs.map(
    (r) => html`<tr><td data-label="Started" class="nowrap">${time(r.startedAt, 'datetime', ctx.tz)}</td><td data-label="By">${r.trigger}</td>
<td data-label="Outcome">${r.outcome}${r.message ? html` <span class="muted small">${r.message}</span>` : ''}</td>
<td data-label="Xero calls" class="num">${r.calls}</td><td data-label="Checked" class="num">${r.checked}</td><td data-label="New differences" class="num">${r.newDifferences}</td></tr>`,
  )}</tbody></table></div>`;
}

export function reconciliationRoutes(app: FastifyInstance, rt: Runtime): void {
  app.get('/reconciliation', async (req, reply) => {
    const ctx = await pageContext(rt, req, reply);
    if (!ctx.tenant) return reply.type('text/html; charset=utf-8').send(await page(ctx, 'Reconciliation', emptyState('No Xero organisation yet', 'Connect one in Settings.')));
    const r = await rt.reconciliation.report(ctx.tenant.id);
    const share = `${Math.round(r.budget.share * 1000) / 10} %`;
    const subtitle = html`Budget: <span id="budget">${r.budget.used} of ${r.budget.perDay}</span> Xero calls used in the last 24 hours (${share} of the day’s limit).
${r.lastRun ? html` Last run ${time(r.lastRun.startedAt, 'when', ctx.tz)}: ${r.lastRun.outcome}.` : ' Not run yet.'}`;
    const run = ctx.canEdit ? html`<form method="post" action="/reconciliation/run" class="inline">${csrfField(ctx)}<button class="btn btn-primary" id="run-now">Run now</button></form>` : '';
    const body = html`<section class="card" aria-labelledby="diff-h"><h2 id="diff-h">Differences (${r.documents.length})</h2>${run}${differencesTable(ctx, r.documents)}</section>
<section class="card" aria-labelledby="bal-h"><h2 id="bal-h">Account balances</h2>${balancesTable(r.balances.slice(0, 30))}</section>
<section class="card" aria-labelledby="runs-h"><h2 id="runs-h">Runs</h2>${runsTable(ctx, r.runs)}</section>`;
    return reply.type('text/html; charset=utf-8').send(await page(ctx, 'Reconciliation', body, { subtitle }));
  });

  app.post('/reconciliation/:exportId/accept', async (req, reply) => {
    requireAdmin(req);
    const tenantId = await tenantFor(rt, req);
    const exportId = positiveInt((req.params as Record<string, unknown>).exportId);
    const res = exportId ? await rt.reconciliation.accept(tenantId, exportId) : null;
    setFlash(req, res ? 'ok' : 'error', res ? `Xero’s version accepted (${res.accepted.join(', ')}).` : 'That document has no outstanding difference any more.');
    return reply.redirect('/reconciliation', 303);
  });

  app.post('/reconciliation/run', async (req, reply) => {
    const user = requireAdmin(req);
    const tenantId = await tenantFor(rt, req);
    try {
      const s = await rt.reconciliation.run(tenantId, `web:${user.username}`);
      const found = s.newDifferences.length;
      setFlash(
        req,
        s.outcome === 'failed' ? 'error' : 'ok',
        `Reconciled: ${plural(s.checked, 'document')} read from Xero, ${plural(found, 'new difference')}, ${plural(s.calls, 'Xero call')}${s.message ? ` (${s.message})` : ''}.`,
      );
    } catch (err) {
      if (!(err instanceof ReconciliationBusyError)) throw err;
      setFlash(req, 'error', err.message);
    }
    return reply.redirect('/reconciliation', 303);
  });
}
