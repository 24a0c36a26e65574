/**
 * Which database the read and act commands use. They never create one: `xport failed` in a fresh
 * folder must not make an empty database and answer "no organisation connected". Without
 * XPORT_DATABASE_URL they look for xport's default database and the demo's (`npm start`), take the
 * one written last, and say on stderr which one they read.
 */
import fs from 'node:fs';
import path from 'node:path';

export const DEFAULT_DATABASE = 'sqlite:./data/xport.db';
const CANDIDATES = [
  { url: DEFAULT_DATABASE, what: "xport's default database" },
  { url: 'sqlite:./data/demo/xport.db', what: "the demo's database (npm start)" },
];

export type Found = { ok: true; url: string; note: string } | { ok: false; message: string };

function sqliteFile(url: string): string | null {
  if (!url.startsWith('sqlite:')) return null;
  const file = url.slice('sqlite:'.length);
  return file === ':memory:' ? null : path.resolve(file);
}

function modified(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

export function findDatabase(configured: string | undefined): Found {
  if (configured) {
    const file = sqliteFile(configured);
    if (file && modified(file) < 0)
      return { ok: false, message: `No xport database at ${file} (XPORT_DATABASE_URL=${configured}): nothing to read. Start xport on it first, or point XPORT_DATABASE_URL at an existing one.` };
    return { ok: true, url: configured, note: `Reading ${configured.startsWith('postgres') ? configured.replace(/\/\/[^@/]*@/, '//…@') : configured} (XPORT_DATABASE_URL)` };
  }
  const existing = CANDIDATES.map((c) => ({ ...c, at: modified(sqliteFile(c.url) ?? '') }))
    .filter((c) => c.at >= 0)
    .sort((a, b) => b.at - a.at);
  const best = existing[0];
  if (!best) {
    return {
      ok: false,
      message: `No xport database here: looked for ${CANDIDATES.map((c) => sqliteFile(c.url)).join(' and ')}. Start xport first (npm start runs the demo), or set XPORT_DATABASE_URL.`,
    };
  }
  return { ok: true, url: best.url, note: `Reading ${best.url}, ${best.what}; set XPORT_DATABASE_URL to read another` };
}
