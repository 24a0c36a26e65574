/**
 * HTTP requests written byte by byte on a socket, so that a test can send what fetch refuses to:
 * invalid UTF-8 in the path, control characters and Latin-1 in headers, any body. Only the status
 * line of the answer is read (an event stream never ends), then the socket is closed.
 */
import net from 'node:net';

export interface RawRequest {
  method: string;
  /** The request target as bytes (already percent-encoded or not, as the test wants). */
  target: Buffer | string;
  headers?: Array<[string, Buffer | string]>;
  body?: Buffer | string;
}

export interface RawAnswer {
  status: number;
  head: string;
}

export function rawRequest(port: number, r: RawRequest, timeoutMs = 10_000): Promise<RawAnswer> {
  const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body);
  const lines: Buffer[] = [Buffer.from(`${r.method} `), Buffer.from(r.target), Buffer.from(' HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n')];
  for (const [name, value] of r.headers ?? []) lines.push(Buffer.from(`${name}: `), Buffer.from(value), Buffer.from('\r\n'));
  if (body.length > 0 || ['POST', 'PUT', 'PATCH'].includes(r.method)) lines.push(Buffer.from(`content-length: ${body.length}\r\n`));
  lines.push(Buffer.from('\r\n'), body);
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let got = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer in ${timeoutMs} ms to ${r.method} ${String(r.target).slice(0, 120)}`));
    }, timeoutMs);
    socket.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      const end = got.indexOf('\r\n\r\n');
      if (end < 0) return;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(got)?.[1] ?? 0), head: got.slice(0, end) });
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      if (!got.includes('\r\n\r\n')) reject(new Error(`connection closed without an answer: ${r.method} ${String(r.target).slice(0, 120)}`));
    });
    socket.write(Buffer.concat(lines)); // not end(): a half-closed socket lets the server drop a slow answer
  });
}
