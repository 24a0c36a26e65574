/**
 * A check value in the database, encrypted with the secret key on first use: a process started with
 * another key (a lost key file, a mistyped XPORT_SECRET_KEY) stops at once with a clear message
 * instead of failing later on every token it cannot decrypt.
 */
import type { KeyValueRepository } from '../db/repositories/key-value';
import type { SecretBox } from './secret-box';

export const KEY_CHECK = 'security.key_check';
const PLAINTEXT = 'xport-key-check';

export class SecretKeyMismatchError extends Error {}

export async function verifySecretKey(kv: KeyValueRepository, box: SecretBox): Promise<void> {
  const stored = await kv.getOrInit(KEY_CHECK, () => box.encrypt(PLAINTEXT, KEY_CHECK));
  if (box.decrypt(stored, KEY_CHECK) !== PLAINTEXT) {
    throw new SecretKeyMismatchError(
      "The secret key does not match the one that encrypted this database's Xero tokens. " + 'Set XPORT_SECRET_KEY (or restore <data folder>/secret.key) to the original key.',
    );
  }
}
