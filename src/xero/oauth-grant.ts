/**
 * The stored form of one OAuth authorisation ("grant"): the token set plus what refresh needs to
 * survive a crash. It is kept only encrypted (SecretBox, bound to the connection id).
 *
 *  - `refreshStartedAt` is written *before* the token endpoint is called. If the process dies before
 *    the answer is stored, the mark stays, and the next process refreshes again with the same
 *    (old) refresh token at once, inside Xero's 30-minute grace for a refresh whose answer was lost.
 *  - `previousRefreshToken` is the token the current one replaced; it is kept for the same 30 minutes
 *    until the new one has been used successfully, so a new token that Xero never committed cannot
 *    strand the connection.
 */
import type { SecretBox } from '../security/secret-box';
import type { TokenSet } from './oauth';

export const GRACE_MS = 30 * 60_000;
export const REFRESH_TOKEN_LIFETIME_MS = 60 * 24 * 3600_000;

export interface StoredGrant {
  accessToken: string;
  accessExpiresAt: number;
  refreshToken: string;
  refreshedAt: number;
  previousRefreshToken: string | null;
  previousValidUntil: number | null;
  refreshStartedAt: number | null;
  scope: string | null;
  user: { sub?: string; email?: string; name?: string } | null;
  authEventId: string | null;
}

export function grantFromTokens(t: TokenSet, now: number, previous: StoredGrant | null): StoredGrant {
  if (!t.refreshToken && !previous) throw new Error('Xero sent no refresh token: request the offline_access scope');
  return {
    accessToken: t.accessToken,
    accessExpiresAt: t.accessExpiresAt,
    // Rotation: Xero sends a new refresh token each time; keep the old one only if none came back.
    refreshToken: t.refreshToken ?? previous?.refreshToken ?? '',
    refreshedAt: now,
    previousRefreshToken: previous ? previous.refreshToken : null,
    previousValidUntil: previous ? now + GRACE_MS : null,
    refreshStartedAt: null,
    scope: t.scope ?? previous?.scope ?? null,
    user: t.idTokenClaims ? { sub: t.idTokenClaims.sub, email: t.idTokenClaims.email, name: t.idTokenClaims.name } : (previous?.user ?? null),
    authEventId: t.idTokenClaims?.authEventId ?? previous?.authEventId ?? null,
  };
}

export function sealGrant(box: SecretBox, connectionId: string, g: StoredGrant): { ciphertext: string; accessExpiresAt: Date; refreshExpiresAt: Date } {
  return {
    ciphertext: box.encrypt(JSON.stringify(g), `xero_connections:${connectionId}`),
    accessExpiresAt: new Date(g.accessExpiresAt),
    refreshExpiresAt: new Date(g.refreshedAt + REFRESH_TOKEN_LIFETIME_MS),
  };
}

/** The grant, or null when it cannot be decrypted with this key (misuse: a wrong key is caught at start-up). */
export function openGrant(box: SecretBox, connectionId: string, ciphertext: string | null): StoredGrant | null {
  if (!ciphertext) return null;
  const text = box.decrypt(ciphertext, `xero_connections:${connectionId}`);
  return text ? (JSON.parse(text) as StoredGrant) : null;
}
