/**
 * The layers hold (README "How to extend"): every file under src/ is parsed for its imports (static,
 * type-only, re-exports and dynamic ones) and each rule below must hold. A rule broken names the
 * file and what it reached for.
 *   - src/domain imports nothing of xport outside itself (libraries such as zod are fine);
 *   - src/xero is Xero's HTTP only: nothing from src/engine, src/app, src/web or src/db;
 *   - src/web calls services: nothing from src/db, and no `rt.store`;
 *   - database rows stay in src/db: nothing outside it imports src/db/schema (type imports included);
 *     repositories hand out domain types (src/domain/export.ts and the repositories' own);
 *   - the Connection Log has one writer: only src/engine/connection-log-writer.ts calls the log
 *     repository's append; everyone else emits an event;
 *   - pages register in one place: only src/web/ui/routes.ts sets up sessions and CSRF
 *     (registerSecurity) and the HTML error page (the JSON one is src/web/server.ts's).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SRC = path.join(ROOT, 'src');
const LOG_WRITER = 'src/engine/connection-log-writer.ts';
const LOG_REPOSITORY = 'src/db/repositories/connection-log.ts';
const PAGES = 'src/web/ui/routes.ts';
const SCHEMA = 'src/db/schema';

interface SourceFile {
  file: string;
  text: string;
  imports: string[];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    return d.isDirectory() ? filesUnder(full) : /\.tsx?$/.test(d.name) && !d.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** What a file imports, as paths from the repository root for xport's own files and as given for packages. */
function importsOf(file: string, text: string): string[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((f) =>
    f.fileName.startsWith('.')
      ? path
          .relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), f.fileName))
          .split(path.sep)
          .join('/')
      : f.fileName,
  );
}

function load(): SourceFile[] {
  return filesUnder(SRC).map((full) => {
    const file = path.relative(ROOT, full).split(path.sep).join('/');
    const text = readFileSync(full, 'utf8');
    return { file, text, imports: importsOf(file, text) };
  });
}

const inside = (p: string, layer: string): boolean => p === layer || p.startsWith(`${layer}/`);

/** Each broken rule as "file → what it imports (why)". */
function violations(files: SourceFile[]): string[] {
  const out: string[] = [];
  for (const { file, text, imports } of files) {
    for (const imp of imports) {
      if (inside(file, 'src/domain') && imp.startsWith('src/') && !inside(imp, 'src/domain')) out.push(`${file} → ${imp} (src/domain imports nothing outside itself)`);
      for (const layer of ['src/engine', 'src/app', 'src/web', 'src/db']) {
        if (inside(file, 'src/xero') && inside(imp, layer)) out.push(`${file} → ${imp} (src/xero is Xero's HTTP only)`);
      }
      if (inside(file, 'src/web') && inside(imp, 'src/db')) out.push(`${file} → ${imp} (src/web calls services, never the database)`);
      else if (!inside(file, 'src/db') && imp.replace(/\.[cm]?[jt]s$/, '') === SCHEMA) out.push(`${file} → ${imp} (rows stay in src/db: repositories return domain types)`);
    }
    if (inside(file, 'src/web') && /\brt\.store\b/.test(text)) out.push(`${file} → rt.store (src/web calls services, never the store)`);
    if (file !== LOG_WRITER && /\blog\??\.append\(/.test(text)) out.push(`${file} → log.append (only ${LOG_WRITER} writes the Connection Log: emit an event)`);
    if (inside(file, 'src/web') && file !== PAGES && /\bregisterSecurity\(\s*\w/.test(text) && !/export async function registerSecurity/.test(text))
      out.push(`${file} → registerSecurity (pages register in ${PAGES} only)`);
    if (inside(file, 'src/web') && file !== PAGES && file !== 'src/web/server.ts' && /\.setErrorHandler\(/.test(text)) out.push(`${file} → setErrorHandler (one HTML error page, in ${PAGES})`);
    if (file !== LOG_REPOSITORY && /insertInto\(\s*['"]connection_log['"]/.test(text)) out.push(`${file} → connection_log insert (only ${LOG_WRITER} writes the Connection Log)`);
  }
  return out;
}

describe('layers', () => {
  const files = load();

  test('every file under src/ is read, with its imports', () => {
    assert.ok(files.length > 100, `only ${files.length} files found under src/`);
    const runtime = files.find((f) => f.file === 'src/app/runtime.ts');
    assert.ok(runtime?.imports.includes('src/engine/events'), 'relative imports resolve to paths from the root');
  });

  test('no file crosses a layer it must not', () => {
    assert.deepEqual(violations(files), []);
  });

  test('each rule catches what it forbids', () => {
    const sample = (file: string, text: string): SourceFile => ({ file, text, imports: importsOf(file, text) });
    const found = violations([
      sample('src/domain/x.ts', "import { a } from '../engine/events';"),
      sample('src/xero/x.ts', "import type { Store } from '../db/store';\nexport { b } from '../app/runtime';"),
      sample('src/web/ui/x.ts', "const m = await import('../../db/faults');\nawait rt.store.tenants.list();"),
      sample('src/engine/x.ts', 'await store.log.append([]);'),
      sample('src/web/xero/x.ts', 'await registerSecurity(web, rt);\nweb.setErrorHandler(() => {});'),
      sample('src/engine/y.ts', "import type { ExportRow } from '../db/schema';"),
      sample('src/ops/y.ts', "export type { Database } from '../db/schema.ts';"),
      sample('src/domain/ok.ts', "import { z } from 'zod';\nimport { c } from './money';"),
      sample('src/db/repositories/ok.ts', "import type { Database } from '../schema';"),
    ]);
    assert.deepEqual(
      found.map((v) => v.split(' (')[0]),
      [
        'src/domain/x.ts → src/engine/events',
        'src/xero/x.ts → src/db/store',
        'src/xero/x.ts → src/app/runtime',
        'src/web/ui/x.ts → src/db/faults',
        'src/web/ui/x.ts → rt.store',
        'src/engine/x.ts → log.append',
        'src/web/xero/x.ts → registerSecurity',
        'src/web/xero/x.ts → setErrorHandler',
        'src/engine/y.ts → src/db/schema',
        'src/ops/y.ts → src/db/schema.ts',
      ],
    );
  });
});
