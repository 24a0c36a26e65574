/** Shared helpers for the sandbox tests: a sandbox on a random port, tokens, an xero-node client, raw calls. */
import { XeroClient } from 'xero-node';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index';

export const NZ = '6c1d1a3e-2f4b-4c5d-9e8f-0a1b2c3d4e01';
export const AU = '6c1d1a3e-2f4b-4c5d-9e8f-0a1b2c3d4e02';
export const UK = '6c1d1a3e-2f4b-4c5d-9e8f-0a1b2c3d4e03';

export async function withSandbox(fn: (s: Sandbox) => Promise<void>, o: SandboxOptions = {}): Promise<void> {
  const s = await startSandbox({ port: 0, ...o });
  try {
    await fn(s);
  } finally {
    await s.close();
  }
}

export async function clientToken(s: Sandbox): Promise<string> {
  const res = await fetch(`${s.url}/connect/token`, {
    method: 'POST',
    body: 'grant_type=client_credentials',
    headers: { authorization: `Basic ${Buffer.from(`${s.clientId}:${s.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
  });
  const json = (await res.json()) as { access_token: string };
  return json.access_token;
}

export async function sdk(s: Sandbox): Promise<XeroClient> {
  const xero = new XeroClient({ clientId: s.clientId, clientSecret: s.clientSecret, grantType: 'client_credentials' });
  xero.accountingApi.basePath = `${s.url}/api.xro/2.0`;
  await xero.setTokenSet({ access_token: await clientToken(s), token_type: 'Bearer', expires_in: 1800 });
  return xero;
}

export interface SdkError {
  response: { statusCode: number; body: unknown; headers: Record<string, string> };
}

/** xero-node rejects with a JSON string (docs/xero.md#xero-node); this returns it parsed, or throws if the call succeeded. */
export async function sdkError(p: Promise<unknown>): Promise<SdkError> {
  try {
    await p;
  } catch (e) {
    return (typeof e === 'string' ? JSON.parse(e) : e) as SdkError;
  }
  throw new Error('expected the SDK call to fail');
}

export interface Raw {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export async function call(s: Sandbox, token: string, method: string, path: string, o: { tenant?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Raw> {
  const res = await fetch(`${s.url}/api.xro/2.0${path}`, {
    method,
    body: o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body),
    headers: { authorization: `Bearer ${token}`, 'xero-tenant-id': o.tenant ?? NZ, accept: 'application/json', ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers },
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export async function control(s: Sandbox, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${s.url}/_sandbox${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as unknown) : null };
}
