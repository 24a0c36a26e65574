/**
 * Password hashing with node's scrypt (memory-hard, no native dependency) at OWASP's minimum
 * parameters, N=2^17, r=8, p=1 (128 MiB per hash). Stored as `scrypt$N$r$p$salt$hash` (base64url), so
 * parameters can be raised later without breaking old hashes: a hash made with other parameters is
 * replaced at the next successful sign-in (needsRehash, src/web/auth/users.ts).
 */
import crypto from 'node:crypto';

export const SCRYPT_N = 2 ** 17;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
/** scrypt needs 128·N·r bytes; node refuses above maxmem (32 MiB by default), so allow the largest N accepted here, with room. */
const MAX_N = 2 ** 18;
const MAXMEM = 2 * 128 * MAX_N * R;

function scrypt(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (!Number.isInteger(n) || n < 2 || n > MAX_N || r !== R || !Number.isInteger(p) || p < 1 || p > 4) {
      reject(new Error('unsupported scrypt parameters'));
      return;
    }
    crypto.scrypt(password, salt, KEY_LENGTH, { N: n, r, p, maxmem: MAXMEM }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** True when the stored hash was made with other parameters than today's (re-hash it after a successful sign-in). */
export function needsRehash(stored: string): boolean {
  const [scheme, n, r, p] = stored.split('$');
  return scheme !== 'scrypt' || Number(n) !== SCRYPT_N || Number(r) !== R || Number(p) !== P;
}

/** For tests: a hash with explicit (older) parameters. */
export async function hashPasswordWith(password: string, n: number): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await scrypt(password, salt, n, R, P);
  return ['scrypt', n, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function hashPassword(password: string): Promise<string> {
  return hashPasswordWith(password, SCRYPT_N);
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p)).catch(() => null);
  if (!key) return false;
  return key.length === expected.length && crypto.timingSafeEqual(key, expected);
}

/** A hash to compare against when the user does not exist, so timing does not reveal user names. */
let dummyHash: string | null = null;
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= await hashPassword(crypto.randomBytes(12).toString('hex'));
  await verifyPassword(password, dummyHash);
  return false;
}

/** The rules a new password must meet; null when it is acceptable. */
export function passwordProblem(password: string, confirm?: string): string | null {
  if (password.length < 8) return 'The password must be at least 8 characters long.';
  if (password.length > 200) return 'The password must be at most 200 characters long.';
  if (confirm !== undefined && confirm !== password) return 'The two passwords are not the same.';
  return null;
}
