/** The page shell: head, header with navigation and organisation, flash message, the banner. */
import type { PageContext } from './context';
import { bannerFor } from './banner';
import { html, jsonAttr, type Html } from './html';

const NAV: Array<[string, string]> = [
  ['/queue', 'Manage Xero Queue'],
  ['/documents', 'Documents'],
  ['/reconciliation', 'Reconciliation'],
  ['/log', 'Connection Log'],
  ['/settings', 'Settings'],
];

const HTMX_CONFIG = jsonAttr({ includeIndicatorStyles: false, allowEval: false, allowScriptTags: false, selfRequestsOnly: true });

export function head(title: string): Html {
  return html`<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="htmx-config" content="${HTMX_CONFIG}">
<title>${title} · xport</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/app.css">
<script src="/static/htmx.min.js" defer></script>
<script src="/static/app.js" defer></script></head>`;
}

function nav(ctx: PageContext): Html {
  return html`<nav class="nav" aria-label="Main">${NAV.map(
    ([href, label]) => html`<a href="${href}" ${ctx.path === href || ctx.path.startsWith(`${href}/`) ? html`aria-current="page"` : ''}>${label}</a>`,
  )}</nav>`;
}

function orgSwitcher(ctx: PageContext): Html {
  if (ctx.tenants.length <= 1) return html`<span class="org" title="Xero organisation">${ctx.tenant?.name ?? 'No organisation'}</span>`;
  return html`<form class="org-switch" method="post" action="/settings/organisation">
    <input type="hidden" name="_csrf" value="${ctx.csrf}"><input type="hidden" name="next" value="${ctx.path}">
    <label class="sr-only" for="org-select">Xero organisation</label>
    <select id="org-select" name="tenantId" data-autosubmit>${ctx.tenants.map((t) => html`<option value="${t.id}" ${t.id === ctx.tenant?.id ? html`selected` : ''}>${t.name}</option>`)}</select>
    <noscript><button class="btn btn-small">Switch</button></noscript></form>`;
}

export async function page(ctx: PageContext, title: string, body: Html, o: { subtitle?: Html | string } = {}): Promise<string> {
  const banner = await bannerFor(ctx.rt, ctx.tenant?.id ?? null);
  const hxHeaders = jsonAttr({ 'x-csrf-token': ctx.csrf });
  return html`<!doctype html><html lang="en">${head(title)}
<body hx-headers="${hxHeaders}">
<a class="skip" href="#main">Skip to content</a>
<header class="topbar"><div class="topbar-inner">
  <a class="brand" href="/queue"><span class="brand-mark" aria-hidden="true">x</span>xport</a>
  ${nav(ctx)}
  <div class="who">${orgSwitcher(ctx)}
    <span class="user">${ctx.user.username}<span class="role role-${ctx.user.role}">${ctx.user.role}</span></span>
    <form method="post" action="/logout"><input type="hidden" name="_csrf" value="${ctx.csrf}"><button class="btn btn-link">Sign out</button></form>
  </div></div></header>
<main id="main" tabindex="-1"><div class="page-head"><h1>${title}</h1>${o.subtitle ? html`<p class="subtitle">${o.subtitle}</p>` : ''}</div>
${ctx.flash ? html`<div class="alert alert-${ctx.flash.kind}" role="alert">${ctx.flash.text}</div>` : ''}
<div id="toast" aria-live="assertive"></div>
${body}</main>
${banner}
</body></html>`.value;
}

/** A page for people who are not signed in (login, set-up, errors before login). */
export function barePage(title: string, body: Html): string {
  return html`<!doctype html><html lang="en">${head(title)}<body class="bare"><main id="main" class="bare-main">
<div class="bare-card"><div class="brand brand-large"><span class="brand-mark" aria-hidden="true">x</span>xport</div>${body}</div></main></body></html>`.value;
}

export function emptyState(title: string, text: Html | string): Html {
  return html`<div class="empty"><p class="empty-title">${title}</p><p>${text}</p></div>`;
}

export function csrfField(ctx: { csrf: string }): Html {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;
}
