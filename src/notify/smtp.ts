/**
 * A minimal SMTP client over node:net/tls, enough to hand one plain-text message to a relay:
 * EHLO, STARTTLS when the server offers it (smtp://), implicit TLS (smtps://), AUTH PLAIN when the
 * URL carries a user, MAIL/RCPT/DATA with dot-stuffing. The URL holds the password: never log it.
 */
import crypto from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import tls from 'node:tls';

export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
}

type Socket = net.Socket | tls.TLSSocket;

class Conversation {
  private buffer = '';
  private waiting: ((line: string) => void) | null = null;
  private failed: Error | null = null;

  constructor(public socket: Socket) {
    this.listen(socket);
  }

  listen(socket: Socket): void {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.deliver();
    });
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('the mail server closed the connection')));
  }

  private fail(err: Error): void {
    this.failed ??= err;
    const w = this.waiting;
    this.waiting = null;
    w?.('');
  }

  /** A complete reply is the line whose code is followed by a space (continuations use "-"). */
  private deliver(): void {
    const m = /(^|\r\n)\d{3}(?: [^\r\n]*)?\r\n/.exec(this.buffer);
    if (!m || !this.waiting) return;
    const end = m.index + m[0].length;
    const reply = this.buffer.slice(0, end);
    this.buffer = this.buffer.slice(end);
    const w = this.waiting;
    this.waiting = null;
    w(reply);
  }

  async reply(expect: number[]): Promise<string> {
    const text = await new Promise<string>((resolve) => {
      this.waiting = resolve;
      this.deliver();
    });
    if (this.failed && !text) throw this.failed;
    const last = text.trimEnd().split('\r\n').pop() ?? '';
    if (!expect.includes(Number.parseInt(last.slice(0, 3), 10))) throw new Error(`The mail server answered: ${last}`);
    return text;
  }

  async command(line: string, expect: number[]): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.reply(expect);
  }
}

function connect(url: URL, timeoutMs: number): Promise<Socket> {
  const secure = url.protocol === 'smtps:';
  const port = Number(url.port) || (secure ? 465 : 25);
  return new Promise((resolve, reject) => {
    const socket: Socket = secure ? tls.connect({ host: url.hostname, port, servername: url.hostname }) : net.connect({ host: url.hostname, port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`the mail server did not answer within ${timeoutMs} ms`)));
    socket.once(secure ? 'secureConnect' : 'connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

async function startTls(c: Conversation, url: URL): Promise<void> {
  await c.command('STARTTLS', [220]);
  const plain = c.socket;
  plain.removeAllListeners('data');
  plain.removeAllListeners('close');
  plain.removeAllListeners('error');
  const secure = await new Promise<tls.TLSSocket>((resolve, reject) => {
    const s = tls.connect({ socket: plain as net.Socket, servername: url.hostname }, () => resolve(s));
    s.once('error', reject);
  });
  c.listen(secure);
}

export function formatMessage(m: MailMessage, now = new Date()): string {
  const clean = (s: string) => s.replace(/[\r\n]+/g, ' ');
  const subject = /^[\x20-\x7e]*$/.test(m.subject) ? clean(m.subject) : `=?UTF-8?B?${Buffer.from(clean(m.subject)).toString('base64')}?=`;
  const body = Buffer.from(m.text.replace(/\r?\n/g, '\r\n')).toString('base64').replace(/.{76}/g, '$&\r\n');
  return [
    `From: ${clean(m.from)}`,
    `To: ${clean(m.to)}`,
    `Subject: ${subject}`,
    `Date: ${now.toUTCString()}`,
    `Message-ID: <${crypto.randomUUID()}@xport>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    body,
  ].join('\r\n');
}

export async function sendMail(smtpUrl: string, m: MailMessage, timeoutMs = 15_000): Promise<void> {
  const url = new URL(smtpUrl);
  const c = new Conversation(await connect(url, timeoutMs));
  try {
    await c.reply([220]);
    const hello = `EHLO ${os.hostname() || 'xport'}`;
    let features = await c.command(hello, [250]);
    if (url.protocol === 'smtp:' && /STARTTLS/i.test(features)) {
      await startTls(c, url);
      features = await c.command(hello, [250]);
    }
    if (url.username) {
      const secret = Buffer.from(`\0${decodeURIComponent(url.username)}\0${decodeURIComponent(url.password)}`).toString('base64');
      await c.command(`AUTH PLAIN ${secret}`, [235]);
    }
    await c.command(`MAIL FROM:<${m.from}>`, [250]);
    await c.command(`RCPT TO:<${m.to}>`, [250, 251]);
    await c.command('DATA', [354]);
    // Dot-stuffing: a line that starts with "." gets another, so it cannot end the message early.
    const data = formatMessage(m).replace(/(^|\r\n)\./g, '$1..');
    await c.command(`${data}\r\n.`, [250]);
    await c.command('QUIT', [221]).catch(() => '');
  } finally {
    c.socket.destroy();
  }
}
