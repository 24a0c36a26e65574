/**
 * Xero's /connections endpoint (docs/xero.md#connections-and-tenants): which organisations a token reaches, and removing
 * one. Called with a given access token, because right after consent the token is not stored yet.
 */
import { sendHttp } from './http';

export interface XeroTenantConnection {
  /** Xero's id of this organisation's connection (for DELETE /connections/{id}). */
  id: string;
  tenantId: string;
  tenantName: string;
  tenantType: string;
  authEventId: string | null;
}

export type ConnectionsResult = { ok: true; connections: XeroTenantConnection[] } | { ok: false; status: number | null; reason: string };

export async function listConnections(apiUrl: string, accessToken: string, timeoutMs: number, authEventId?: string | null): Promise<ConnectionsResult> {
  const qs = authEventId ? `?authEventId=${encodeURIComponent(authEventId)}` : '';
  const res = await sendHttp({ method: 'GET', url: `${apiUrl}/connections${qs}`, timeoutMs, headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } });
  if (res.kind === 'network') return { ok: false, status: null, reason: `Xero could not be reached: ${res.detail}` };
  if (res.status !== 200) return { ok: false, status: res.status, reason: `GET /connections answered ${res.status}: ${res.bodyText.slice(0, 200)}` };
  let list: unknown;
  try {
    list = JSON.parse(res.bodyText);
  } catch {
    return { ok: false, status: res.status, reason: 'GET /connections answered with something other than JSON' };
  }
  if (!Array.isArray(list)) return { ok: false, status: res.status, reason: 'GET /connections did not answer a list' };
  const connections = list.flatMap((c: Record<string, unknown>) =>
    typeof c.tenantId === 'string' && typeof c.id === 'string'
      ? [
          {
            id: c.id,
            tenantId: c.tenantId,
            tenantName: typeof c.tenantName === 'string' ? c.tenantName : c.tenantId,
            tenantType: typeof c.tenantType === 'string' ? c.tenantType : 'ORGANISATION',
            authEventId: typeof c.authEventId === 'string' ? c.authEventId : null,
          },
        ]
      : [],
  );
  // Practice-manager and other tenant types have no Accounting API: only organisations are exported to.
  return { ok: true, connections: connections.filter((c) => c.tenantType === 'ORGANISATION') };
}

/** DELETE /connections/{id}: 204 when removed; 404 means it was already gone, which is fine too. */
export async function deleteConnection(apiUrl: string, accessToken: string, connectionId: string, timeoutMs: number): Promise<{ ok: true } | { ok: false; reason: string }> {
  const res = await sendHttp({ method: 'DELETE', url: `${apiUrl}/connections/${encodeURIComponent(connectionId)}`, timeoutMs, headers: { authorization: `Bearer ${accessToken}` } });
  if (res.kind === 'network') return { ok: false, reason: `Xero could not be reached: ${res.detail}` };
  if (res.status === 204 || res.status === 200 || res.status === 404) return { ok: true };
  return { ok: false, reason: `DELETE /connections answered ${res.status}: ${res.bodyText.slice(0, 200)}` };
}
