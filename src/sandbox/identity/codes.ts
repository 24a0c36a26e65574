/**
 * Authorization codes of the code flow: single use, 5 minutes (Xero does not publish the lifetime,
 * docs/xero.md#oauth; 5 minutes is the longer of the two reports), bound to client, redirect URI and
 * PKCE challenge.
 */
import { createHash, randomBytes } from 'node:crypto';

export const CODE_TTL_MS = 5 * 60_000;

export interface CodeRec {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  tenantIds: string[];
  userId: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  expiresAt: number;
}

export class AuthCodes {
  private readonly codes = new Map<string, CodeRec>();

  constructor(private readonly now: () => number) {}

  issue(rec: Omit<CodeRec, 'expiresAt'>): string {
    const code = randomBytes(24).toString('hex');
    this.codes.set(code, { ...rec, expiresAt: this.now() + CODE_TTL_MS });
    return code;
  }

  /** Takes the code (it can be used once) if it exists and has not expired. */
  take(code: string): CodeRec | null {
    const rec = this.codes.get(code);
    this.codes.delete(code);
    return rec && rec.expiresAt > this.now() ? rec : null;
  }

  clear(): void {
    this.codes.clear();
  }
}

export function pkceMatches(rec: CodeRec, verifier: string | undefined): boolean {
  if (!rec.codeChallenge) return true;
  if (!verifier || verifier.length < 43 || verifier.length > 128) return false;
  const computed = rec.codeChallengeMethod === 'plain' ? verifier : createHash('sha256').update(verifier).digest('base64url');
  return computed === rec.codeChallenge;
}
