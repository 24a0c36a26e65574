#!/usr/bin/env node
/**
 * `npm run build`: compiles src/ to dist/ with tsc, then makes the output loadable by Node's ESM
 * loader (which needs file extensions on relative imports: the source leaves most of them off) and
 * copies the files read at run time. Plain JavaScript so it needs nothing but typescript.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dist = path.join(root, 'dist');
/** Folders of src/ read from disk at run time, copied as they are. */
const ASSETS = ['web/static'];

fs.rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });

const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]*)\2/g;

function resolveSpecifier(file, spec) {
  if (/\.(m?js|cjs|json)$/.test(spec)) return spec;
  const base = path.resolve(path.dirname(file), spec);
  if (fs.existsSync(`${base}.js`)) return `${spec}.js`;
  if (fs.existsSync(path.join(base, 'index.js'))) return `${spec}/index.js`;
  throw new Error(`${path.relative(root, file)}: cannot resolve ${spec}`);
}

function* jsFiles(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* jsFiles(p);
    else if (entry.name.endsWith('.js')) yield p;
  }
}

let rewritten = 0;
for (const file of jsFiles(dist)) {
  const text = fs.readFileSync(file, 'utf8');
  const out = text.replace(SPECIFIER, (_m, lead, q, spec) => `${lead}${q}${resolveSpecifier(file, spec)}${q}`);
  if (out !== text) {
    fs.writeFileSync(file, out);
    rewritten += 1;
  }
}
for (const asset of ASSETS) fs.cpSync(path.join(root, 'src', asset), path.join(dist, asset), { recursive: true });
fs.writeFileSync(path.join(dist, 'package.json'), '{ "type": "module" }\n');
console.log(`build: dist/ ready (${rewritten} file(s) with import paths completed, assets: ${ASSETS.join(', ')})`);
