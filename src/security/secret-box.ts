/**
 * Encryption of secrets at rest (Xero token sets) with AES-256-GCM.
 *
 * The key comes from XPORT_SECRET_KEY (64 hex characters or base64 of 32 bytes) or, when that is
 * not set, from `<dataDir>/secret.key`, generated on first run with mode 0600 so that only the
 * account running xport can read it. Each ciphertext is bound to what it belongs to (the
 * associated data, e.g. the connection id), so a token set copied onto another row does not decrypt.
 *
 * Format: `v1.<iv>.<ciphertext>.<tag>`, each part base64url; a fresh 96-bit IV per encryption.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const VERSION = 'v1';
const KEY_FILE = 'secret.key';

export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** Wraps a 32-byte key (tests and key rotation). */
  static fromKey(key: Buffer): SecretBox {
    if (key.length !== 32) throw new Error(`An AES-256 key is 32 bytes; got ${key.length}`);
    return new SecretBox(Buffer.from(key));
  }

  /** The configured key, or the key file in dataDir (created on first run). */
  static load(o: { secretKey: string | undefined; dataDir: string }): SecretBox {
    if (o.secretKey) return SecretBox.fromKey(parseKey(o.secretKey));
    return SecretBox.fromKey(loadOrCreateKeyFile(path.join(o.dataDir, KEY_FILE)));
  }

  /**
   * A key for another purpose (signing session cookies), derived with HKDF-SHA256 from this key, so
   * that it is never stored anywhere: whoever can read the database alone cannot sign a cookie.
   */
  derive(purpose: string, length = 32): Buffer {
    return Buffer.from(crypto.hkdfSync('sha256', this.key, Buffer.alloc(0), `xport:${purpose}`, length));
  }

  encrypt(plaintext: string, associatedData: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), ct.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  /** The plaintext, or null when the value was not encrypted with this key for this associated data. */
  decrypt(value: string, associatedData: string): string | null {
    const [version, iv, ct, tag] = value.split('.');
    if (version !== VERSION || iv === undefined || ct === undefined || tag === undefined) return null;
    try {
      const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}

export function parseKey(value: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32) throw new Error('XPORT_SECRET_KEY must be 32 bytes: 64 hex characters or 44 base64 characters');
  return key;
}

function loadOrCreateKeyFile(file: string): Buffer {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    // 'wx' fails if the file exists, so two processes starting at once cannot both create a key.
    const fd = fs.openSync(file, 'wx', 0o600);
    try {
      fs.writeSync(fd, `${crypto.randomBytes(32).toString('hex')}\n`);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`Could not create the secret key file ${file}`, { cause: err });
  }
  const text = readWhenComplete(file);
  return parseKey(text);
}

/** Another process may have created the file a moment ago and not written it yet: wait briefly. */
function readWhenComplete(file: string): string {
  for (let i = 0; i < 50; i += 1) {
    const text = fs.readFileSync(file, 'utf8').trim();
    if (text.length >= 64) return text;
    const until = Date.now() + 20;
    while (Date.now() < until) {
      /* a short synchronous wait: start-up only */
    }
  }
  throw new Error(`The secret key file ${file} is empty or damaged; restore it from a backup (tokens encrypted with it cannot be read otherwise)`);
}
