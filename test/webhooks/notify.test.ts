/**
 * Notifications: new failures go out as one digest per window (webhook and email over a real SMTP
 * conversation with a small local server), a lost connection goes out at once.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createRuntime, type Runtime } from '../../src/app/runtime';
import { loadConfig } from '../../src/config/config';
import { Notifier } from '../../src/notify/notifier';
import { makeDatabase, type TestDatabase } from '../helpers/databases';

function smtpServer(): Promise<{ url: string; mails: string[]; commands: string[]; close(): Promise<void> }> {
  const mails: string[] = [];
  const commands: string[] = [];
  const server = net.createServer((s) => {
    let buf = '';
    let inData = false;
    s.write('220 test ESMTP\r\n');
    s.on('data', (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          mails.push(buf.slice(0, end));
          buf = buf.slice(end + 5);
          inData = false;
          s.write('250 queued\r\n');
          continue;
        }
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        commands.push(line.split(' ')[0] ?? '');
        if (line.startsWith('EHLO')) s.write('250-test\r\n250 AUTH PLAIN\r\n');
        else if (line.startsWith('AUTH')) s.write(line === `AUTH PLAIN ${Buffer.from('\0mailer\0s3cret').toString('base64')}` ? '235 ok\r\n' : '535 no\r\n');
        else if (line.startsWith('DATA')) {
          inData = true;
          s.write('354 go\r\n');
        } else if (line.startsWith('QUIT')) {
          s.write('221 bye\r\n');
          s.end();
        } else s.write('250 ok\r\n');
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({ url: `smtp://mailer:s3cret@127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`, mails, commands, close: () => new Promise((r) => server.close(() => r())) });
    }),
  );
}

describe('notifications', () => {
  let db: TestDatabase;
  let rt: Runtime;
  let smtp: Awaited<ReturnType<typeof smtpServer>>;
  const hooks: Array<Record<string, unknown>> = [];
  const hookServer = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      hooks.push(JSON.parse(body) as Record<string, unknown>);
      res.writeHead(200).end();
    });
  });

  before(async () => {
    smtp = await smtpServer();
    await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', () => r()));
    const a = hookServer.address();
    db = await makeDatabase('sqlite');
    rt = await createRuntime(
      loadConfig({
        XPORT_DATABASE_URL: db.url,
        XPORT_LOG_LEVEL: 'silent',
        XPORT_WORKERS: '0',
        XPORT_SMTP_URL: smtp.url,
        XPORT_NOTIFY_EMAIL: 'ops@example.test',
        XPORT_NOTIFY_WEBHOOK_URL: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/n`,
      }),
    );
    await rt.store.tenants.upsert({ id: 't1', name: 'Shop Ltd' });
  });
  after(async () => {
    await rt.close();
    await smtp.close();
    await new Promise((r) => hookServer.close(() => r(undefined)));
    await db.drop();
  });

  it('sends new failures as one digest per window, by webhook and email', async () => {
    const n = new Notifier({ config: rt.config, store: rt.store, logger: rt.logger }, rt.bus, { settleMs: 50, digestMs: 60_000 });
    const fail = (ref: string) =>
      rt.bus.emit('export.failed', {
        tenantId: 't1',
        exportId: 1,
        kind: 'sales_invoice',
        reference: ref,
        code: 'xero_validation_error',
        errorClass: 'validation',
        message: `${ref} failed`,
        action: 'Fix it',
        correlationId: null,
        httpStatus: 400,
      });
    await fail('SO-1');
    await fail('SO-2');
    await new Promise((r) => setTimeout(r, 200));
    await n.idle();
    await fail('SO-3'); // inside the window: waits for the next digest
    await new Promise((r) => setTimeout(r, 200));
    await n.idle();
    n.stop();
    const digests = hooks.filter((h) => h.type === 'failures');
    assert.equal(digests.length, 1);
    assert.equal(digests[0]?.count, 2);
    assert.equal(smtp.mails.length, 1);
    assert.match(smtp.mails[0] ?? '', /Subject: xport: 2 exports to Xero failed/);
    assert.ok(
      Buffer.from((smtp.mails[0] ?? '').split('\r\n\r\n')[1] ?? '', 'base64')
        .toString()
        .includes('SO-2 failed'),
    );
    assert.ok(smtp.commands.includes('AUTH'));
  });

  it('sends a lost connection at once', async () => {
    const n = new Notifier({ config: rt.config, store: rt.store, logger: rt.logger }, rt.bus, { settleMs: 50 });
    await rt.bus.emit('connection.lost', { tenantId: 't1', tenantName: 'Shop Ltd', reason: 'invalid_grant', code: 'auth_invalid_grant' });
    await n.idle();
    n.stop();
    assert.ok(hooks.some((h) => h.type === 'connection_lost' && h.tenantName === 'Shop Ltd'));
    assert.match(smtp.mails.at(-1) ?? '', /Subject: xport: the connection to Xero for Shop Ltd is lost/);
  });
});
