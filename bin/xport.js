#!/usr/bin/env node
// Entry point for the `xport` command. Production runs the compiled JavaScript in dist/ (`npm run
// build`); a development checkout without a build, or whose src/ changed since the build, runs the
// TypeScript through tsx (a dev dependency) so a stale dist/ never hides a change.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const compiled = path.join(root, 'dist', 'cli', 'main.js');
const stamp = path.join(root, 'dist', 'package.json');
const source = path.join(root, 'src');

function newestIn(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function useCompiled() {
  if (!fs.existsSync(compiled) || !fs.existsSync(stamp)) return false;
  if (!fs.existsSync(source)) return true;
  return newestIn(source) <= fs.statSync(stamp).mtimeMs;
}

if (useCompiled()) {
  await import(pathToFileURL(compiled).href);
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    console.error('xport: dist/ is missing or older than src/, and tsx is not installed: run `npm run build` (or `npm install` for development).');
    process.exit(1);
  }
  register();
  await import(pathToFileURL(path.join(source, 'cli', 'main.ts')).href);
}
