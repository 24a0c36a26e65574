#!/usr/bin/env node
/**
 * Lists the test files of one group, for `node --test` (Node 20 has no glob for it):
 *   unit         test/domain, test/config, test/architecture: no database, no network, no browser (seconds)
 *   browser      every file that drives a headless Chromium (imports playwright-core)
 *   integration  everything else: real SQLite files, PostgreSQL, the sandbox over HTTP, child processes
 *   all          every test file
 */
import fs from 'node:fs';
import path from 'node:path';

const UNIT_DIRS = ['test/domain', 'test/config', 'test/architecture'];
const group = process.argv[2] ?? 'all';
if (!['unit', 'integration', 'browser', 'all'].includes(group)) {
  console.error(`usage: test-files.mjs unit|integration|browser|all (got ${group})`);
  process.exit(2);
}

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : e.name.endsWith('.test.ts') ? [p] : [];
  });
}

const groupOf = (file) => {
  if (UNIT_DIRS.some((d) => file.startsWith(`${d}/`))) return 'unit';
  return /from ['"]playwright-core['"]/.test(fs.readFileSync(file, 'utf8')) ? 'browser' : 'integration';
};

const files = walk('test')
  .sort()
  .filter((f) => group === 'all' || groupOf(f) === group);
console.log(files.join('\n'));
