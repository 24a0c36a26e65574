/**
 * GET/POST /identity/connect/authorize: the consent page where the demo user picks which
 * organisations to connect, then the redirect back with `code` and `state` (or `error=access_denied`).
 */
import type { SandboxContext } from '../context';
import { stableId } from '../state/ids';

export interface AuthorizeParams {
  client_id?: string;
  redirect_uri?: string;
  response_type?: string;
  scope?: string;
  state?: string;
  code_challenge?: string;
  code_challenge_method?: string;
  nonce?: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const DEMO_USER_ID = stableId('user', 'demo.user@xport.example');

export function authorizeError(ctx: SandboxContext, p: AuthorizeParams): string | null {
  const app = p.client_id ? ctx.apps.get(p.client_id) : undefined;
  if (!app) return 'Unknown client_id.';
  if (!p.redirect_uri) return 'redirect_uri is required.';
  if (app.redirectUris.length && !app.redirectUris.includes(p.redirect_uri)) return 'Invalid redirect_uri.';
  if (p.response_type !== 'code') return 'Unsupported response_type (only "code").';
  if (!p.scope) return 'scope is required.';
  if (p.code_challenge && (p.code_challenge_method ?? 'plain') !== 'S256' && p.code_challenge_method !== 'plain') return 'Unsupported code_challenge_method.';
  return null;
}

export function consentPage(ctx: SandboxContext, p: AuthorizeParams): string {
  const hidden = Object.entries(p)
    .filter(([, v]) => typeof v === 'string')
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(String(v))}">`)
    .join('\n');
  const orgs = ctx.store
    .list()
    .map((t, i) => `<label><input type="checkbox" name="tenant" value="${t.tenantId}"${i === 0 ? ' checked' : ''}> ${esc(t.name)}</label><br>`)
    .join('\n');
  const app = ctx.apps.get(p.client_id ?? '');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Xero sandbox: connect ${esc(app?.name ?? '')}</title></head>
<body><h1>${esc(app?.name ?? 'An app')} wants to access your organisations</h1>
<p>Scopes: ${esc(p.scope ?? '')}</p>
<form method="post" action="/identity/connect/authorize">${hidden}
<fieldset><legend>Organisations</legend>${orgs}</fieldset>
<button type="submit" name="action" value="allow">Allow access</button>
<button type="submit" name="action" value="deny">Cancel</button>
</form></body></html>`;
}

/** The redirect after the consent form: a code for the chosen organisations, or access_denied. */
export function consentRedirect(ctx: SandboxContext, p: AuthorizeParams, action: string, tenants: string[]): string {
  const target = new URL(p.redirect_uri ?? '');
  if (p.state !== undefined) target.searchParams.set('state', p.state);
  const known = new Set(ctx.store.list().map((t) => t.tenantId));
  const chosen = tenants.map((t) => t.toLowerCase()).filter((t) => known.has(t));
  if (action !== 'allow' || chosen.length === 0) {
    target.searchParams.set('error', 'access_denied');
    return target.toString();
  }
  const code = ctx.codes.issue({
    clientId: p.client_id ?? '',
    redirectUri: p.redirect_uri ?? '',
    scopes: (p.scope ?? '').split(/[\s,]+/).filter(Boolean),
    tenantIds: chosen,
    userId: DEMO_USER_ID,
    ...(p.nonce ? { nonce: p.nonce } : {}),
    ...(p.code_challenge ? { codeChallenge: p.code_challenge, codeChallengeMethod: p.code_challenge_method ?? 'plain' } : {}),
  });
  target.searchParams.set('code', code);
  target.searchParams.set('scope', p.scope ?? '');
  return target.toString();
}
