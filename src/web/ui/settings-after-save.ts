/**
 * After a mapping is saved: which failed exports it caused, with one button to export them now.
 * The failures are found from the values the save changed (the old account code or tax type, the
 * newly mapped source tax code), since once fixed the mapping no longer shows in Mapping health.
 * The note is shown in the saved section, where the person pressed Save.
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../app/runtime';
import { ACCOUNT_ROLES } from '../../domain/documents';
import type { OrgSettings } from '../../domain/settings';
import { requireAdmin, setFlash } from '../auth/session';
import { tenantFor, type PageContext } from './context';
import { plural, strs, urlWith } from './format';
import { html, type Html } from './html';
import { csrfField } from './layout';
import { failuresCausedBy, type Family } from './mapping-health';
import type { Section } from './settings-save';

export interface Caused {
  family: Family;
  value: string;
}

function changedMap(family: Family, before: Record<string, string>, after: Record<string, string>, out: Caused[], keysNamedInFailures = family === 'tax'): void {
  for (const [key, value] of Object.entries(after)) {
    const old = before[key];
    if (old === value) continue;
    if (old) out.push({ family, value: old });
    // A newly mapped source tax code or line account code: the failures named the key itself.
    if (keysNamedInFailures) out.push({ family, value: key });
  }
}

/** The values a save changed, whose failures it may have fixed. */
export function changedValues(section: Section, before: OrgSettings, after: OrgSettings): Caused[] {
  const out: Caused[] = [];
  if (section === 'accounts') {
    for (const r of ACCOUNT_ROLES) if (before.accounts[r] !== after.accounts[r]) out.push({ family: 'account', value: before.accounts[r] });
    changedMap('account', before.productGroupSalesAccounts, after.productGroupSalesAccounts, out);
    changedMap('account', before.customerSalesAccounts, after.customerSalesAccounts, out);
    changedMap('account', before.lineAccountCodes, after.lineAccountCodes, out, true);
  }
  if (section === 'tax') for (const d of ['sales', 'purchases'] as const) changedMap('tax', before.taxMappings[d], after.taxMappings[d], out);
  if (section === 'options') {
    before.tracking.forEach((t, i) => {
      if (after.tracking[i]?.xeroCategory !== t.xeroCategory) out.push({ family: 'tracking', value: t.xeroCategory });
    });
  }
  const seen = new Set<string>();
  return out.filter((c) => !seen.has(`${c.family}:${c.value}`) && seen.add(`${c.family}:${c.value}`)).slice(0, 20);
}

export function savedUrl(section: Section, caused: Caused[]): string {
  const q = new URLSearchParams({ saved: section });
  for (const c of caused) q.append('caused', `${c.family}:${c.value}`);
  return `/settings?${q.toString()}#${section}`;
}

export function parseCaused(v: unknown): Caused[] {
  return strs(v)
    .slice(0, 20)
    .flatMap((s) => {
      const m = /^(account|tax|tracking):(.{1,255})$/.exec(s);
      return m?.[1] && m[2] ? [{ family: m[1] as Family, value: m[2] }] : [];
    });
}

async function idsCausedBy(rt: Runtime, tenantId: string, caused: Caused[]): Promise<number[]> {
  const ids = new Set<number>();
  for (const c of caused) for (const id of await failuresCausedBy(rt, tenantId, c.family, c.value)) ids.add(id);
  return [...ids];
}

/** "Saved." and, when the save fixed failures, "3 failed exports were caused by this mapping" with the button. */
export async function savedNote(ctx: PageContext, tenantId: string, flash: { kind: 'ok' | 'error'; text: string }, caused: Caused[]): Promise<Html> {
  const n = caused.length ? (await idsCausedBy(ctx.rt, tenantId, caused)).length : 0;
  const button =
    n > 0 && ctx.canEdit
      ? html`<form method="post" action="/settings/requeue-caused" class="inline">${csrfField(ctx)}${caused.map((c) => html`<input type="hidden" name="caused" value="${c.family}:${c.value}">`)}
<button class="btn btn-small btn-primary">Export ${n === 1 ? 'it' : `these ${n}`} now</button></form>`
      : '';
  return html`<div class="alert alert-${flash.kind}" role="status" id="saved-note">${flash.text}${n > 0 ? html` <strong>${plural(n, 'failed export')} ${n === 1 ? 'was' : 'were'} caused by this mapping.</strong> ${button}` : ''}</div>`;
}

export function afterSaveRoutes(app: FastifyInstance, rt: Runtime): void {
  app.post('/settings/requeue-caused', async (req, reply) => {
    const user = requireAdmin(req);
    const tenantId = await tenantFor(rt, req);
    const ids = await idsCausedBy(rt, tenantId, parseCaused((req.body as Record<string, unknown> | undefined)?.caused));
    const changed = await rt.queue.retry(tenantId, ids, `web:${user.username}`);
    setFlash(req, 'ok', `${plural(changed.length, 'failed export')} queued to export again.`);
    return reply.redirect(urlWith('/queue', {}), 303);
  });
}
