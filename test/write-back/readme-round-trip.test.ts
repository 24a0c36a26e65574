/**
 * The README's round trip, run as written: its receiver (receiver.mjs, verifying with standardwebhooks)
 * started as a real process, a subscription made through the API, a document posted, and the line the
 * README promises printed by the receiver.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startHarness, type Harness } from '../helpers/harness';
import { waitUntil } from '../helpers/processes';

function readmeReceiver(): string {
  const readme = fs.readFileSync('README.md', 'utf8');
  const m = /```js\n(\/\/ receiver\.mjs[\s\S]*?)```/.exec(readme);
  assert.ok(m?.[1], 'the README holds receiver.mjs');
  return m[1];
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe("the README's write-back round trip", () => {
  let h: Harness;
  let dir: string;
  before(async () => {
    h = await startHarness('sqlite');
    // Inside the project, so that the receiver resolves standardwebhooks from its node_modules.
    dir = fs.mkdtempSync(path.join('test', 'write-back', '.readme-'));
  });
  after(async () => {
    await h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('post a document, receive the webhook, verify it', { timeout: 60_000 }, async () => {
    const file = path.join(dir, 'receiver.mjs');
    fs.writeFileSync(file, readmeReceiver());
    const port = await freePort();
    const sub = await h.api('POST', '/api/v1/webhooks', { url: `http://127.0.0.1:${port}/xport`, events: ['export.exported', 'export.failed'] });
    assert.equal(sub.status, 201);
    const { secret } = sub.json as { secret: string };
    const child = spawn(process.execPath, [file], { env: { ...process.env, PORT: String(port), XPORT_WEBHOOK_SECRET: secret }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitUntil(
        async () =>
          fetch(`http://127.0.0.1:${port}/`).then(
            () => true,
            () => false,
          ),
        10_000,
        50,
      );
      const customer = { kind: 'customer', sourceId: 'CUST-001', name: 'Acme Ltd', email: 'ap@acme.test' };
      const invoice = {
        kind: 'sales_invoice',
        sourceId: 'SO-00043',
        date: '2026-11-20',
        dueDate: '2026-12-20',
        contact: 'CUST-001',
        lines: [{ description: 'Widget', quantity: 2, unitPrice: '19.95', taxCode: 'G.S.T.', account: 'sales' }],
      };
      assert.equal((await h.api('POST', '/api/v1/documents', { documents: [customer, invoice] })).status, 202);
      await h.drain();
      await h.rt.dispatcher.drain();
      assert.ok(await waitUntil(async () => out.includes('SO-00043 is SO-00043 in Xero (total 45.89): https://go.xero.com/'), 10_000, 50), out);
      assert.ok(out.includes('CUST-001 is'), out);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
