/**
 * Password hashing with node's scrypt (memory-hard, no native dependency). Stored as
 * `scrypt$N$r$p$salt$hash` (base64url), so parameters can be raised later without breaking old hashes.
 */
import crypto from 'node:crypto';

const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function scrypt(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    crypto.scrypt(password, salt, KEY_LENGTH, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await scrypt(password, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
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
