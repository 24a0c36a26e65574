/**
 * RS256 JSON Web Tokens signed with the sandbox's key, published at the JWKS endpoint so that any
 * OpenID client (openid-client inside xero-node, oauth4webapi) can validate id_tokens.
 */
import { generateKeyPairSync, sign, verify, createHash, type KeyObject } from 'node:crypto';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: Record<string, unknown>;
}

let shared: SigningKey | null = null;

/** One key per process: generating RSA keys costs tens of milliseconds and tests start many sandboxes. */
export function signingKey(): SigningKey {
  if (shared) return shared;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const kid = createHash('sha256').update(String(jwk.n)).digest('hex').slice(0, 32).toUpperCase();
  shared = { kid, privateKey, publicKey, jwk: { ...jwk, kid, alg: 'RS256', use: 'sig', kty: 'RSA' } };
  return shared;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export function signJwt(claims: Record<string, unknown>, key: SigningKey = signingKey()): string {
  const header = b64url(JSON.stringify({ alg: 'RS256', kid: key.kid, typ: 'JWT' }));
  const body = b64url(JSON.stringify(claims));
  const sig = sign('sha256', Buffer.from(`${header}.${body}`), key.privateKey);
  return `${header}.${body}.${b64url(sig)}`;
}

/** The claims of a token this sandbox signed, or null for anything else (bad signature, garbage). */
export function readJwt(token: string, key: SigningKey = signingKey()): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [h, b, s] = parts as [string, string, string];
  try {
    if (!verify('sha256', Buffer.from(`${h}.${b}`), key.publicKey, Buffer.from(s, 'base64url'))) return null;
    const claims: unknown = JSON.parse(Buffer.from(b, 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
