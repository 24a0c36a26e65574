/**
 * A first web UI: the banner on every page, /queue (Current Xero Queue and Failed Xero Exports)
 * and /log (Connection Log). Plain but real; the UI issue makes it complete.
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../app/runtime';
import { KIND_LABELS } from '../../domain/documents';
import type { DocumentKind } from '../../domain/types';
import { html, type Html } from './html';

async function currentTenant(rt: Runtime): Promise<string | null> {
  return (await rt.store.tenants.list())[0]?.id ?? null;
}

async function banner(rt: Runtime, tenantId: string | null): Promise<Html> {
  const s = await rt.queue.status(tenantId);
  const paused = s.paused.map((p) => html`<div class="pause">Paused${p.until ? html` until ${p.until}` : ''}: ${p.reason}</div>`);
  return html`<div class="banner" id="banner">Xero Export Queue: ${s.queued} queued and ${s.failed} failed export(s)
    <a href="/queue#failed">View Failed Exports</a>${paused}</div>`;
}

function page(title: string, bannerHtml: Html, body: Html): string {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · xport</title><style>body{font-family:system-ui,sans-serif;margin:0}main{padding:1rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}.banner{background:#1b5fa8;color:#fff;padding:.6rem 1rem}.banner a{color:#fff}nav a{margin-right:1rem}</style></head>
<body><nav style="padding:.6rem 1rem"><a href="/queue">Queue</a><a href="/log">Connection Log</a></nav><main><h1>${title}</h1>${body}</main>${bannerHtml}</body></html>`.value;
}

export async function uiRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  app.get('/', async (_req, reply) => reply.redirect('/queue'));

  app.get('/queue', async (_req, reply) => {
    const tenantId = await currentTenant(rt);
    const current = tenantId ? await rt.queue.list(tenantId, ['queued', 'waiting', 'exporting'], { limit: 100 }) : [];
    const failed = tenantId ? await rt.queue.list(tenantId, ['failed'], { limit: 100 }) : [];
    const label = (k: string) => KIND_LABELS[k as DocumentKind] ?? k;
    const body = html`<h2>Current Xero Queue</h2>
      ${current.length === 0 ? html`<p>Nothing is waiting to be exported.</p>` : html`<table><tr><th>Item</th><th>Kind</th><th>Status</th><th>Reason</th></tr>
      ${current.map((r) => html`<tr><td>${r.reference}</td><td>${label(r.kind)}</td><td>${r.status}</td><td>${r.wait_reason ?? ''}</td></tr>`)}</table>`}
      <h2 id="failed">Failed Xero Exports</h2>
      ${failed.length === 0 ? html`<p>No failed exports.</p>` : html`<table><tr><th>Failed Export</th><th>Exported Item</th><th>Export Error</th><th>Action Required</th></tr>
      ${failed.map((r) => html`<tr><td>${label(r.kind)}</td><td>${r.reference}</td><td>${r.last_error ?? ''}</td><td>${r.action_required ?? ''}</td></tr>`)}</table>`}`;
    return reply.type('text/html').send(page('Manage Xero Queue', await banner(rt, tenantId), body));
  });

  app.get('/log', async (req, reply) => {
    const tenantId = await currentTenant(rt);
    const q = req.query as { level?: string; q?: string };
    const level = q.level === 'error' || q.level === 'info' ? q.level : 'all';
    const res = await rt.store.log.search({ tenantId, level, q: q.q, limit: 100 });
    const body = html`<form method="get"><label>Log Level <select name="level">
      ${['all', 'error', 'info'].map((l) => html`<option value="${l}" ${l === level ? html`selected` : ''}>${l[0]?.toUpperCase()}${l.slice(1)}</option>`)}</select></label>
      <label>Search <input name="q" value="${q.q ?? ''}"></label> <button>Filter</button></form>
      <table><tr><th>Time</th><th>Level</th><th>Details</th></tr>${res.entries.map((e) => html`<tr><td>${e.at}</td><td>${e.level}</td><td>${e.message}</td></tr>`)}</table>`;
    return reply.type('text/html').send(page('Connection Log', await banner(rt, tenantId), body));
  });
}
