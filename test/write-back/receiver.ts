/**
 * A webhook receiver over real HTTP that verifies every delivery with the standardwebhooks library
 * (an implementation of the specification independent of xport's), records what it accepted, and
 * dedupes by webhook-id, as the specification asks receivers to. It can be told to fail or hang.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  id: string;
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

export interface Receiver {
  url: string;
  /** Verified deliveries, first receipt of each webhook-id, in arrival order. */
  accepted: Received[];
  /** Every verified request, repeats included (webhook-id of each). */
  requests: string[];
  /** Requests whose signature did not verify. */
  rejected: number;
  /** How long each answer is held back (ms). */
  delayMs: number;
  setSecret(secret: string): void;
  /** The next `n` verified requests are answered `status` (or never, with 'hang'). */
  failNext(n: number, status: number | 'hang'): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  let webhook: Webhook | null = null;
  let failing = 0;
  let failWith: number | 'hang' = 500;
  const seen = new Set<string>();
  const hanging = new Set<http.ServerResponse>();
  const r: Omit<Receiver, 'url' | 'close'> = {
    accepted: [],
    requests: [],
    rejected: 0,
    delayMs: 0,
    setSecret: (s) => {
      webhook = new Webhook(s);
    },
    failNext: (n, status) => {
      failing = n;
      failWith = status;
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      let payload: Omit<Received, 'id'>;
      try {
        if (!webhook) throw new Error('no secret yet');
        payload = webhook.verify(body, headers) as Omit<Received, 'id'>;
      } catch {
        r.rejected += 1;
        res.writeHead(401).end();
        return;
      }
      const id = headers['webhook-id'] ?? '';
      r.requests.push(id);
      if (failing > 0) {
        failing -= 1;
        if (failWith === 'hang') {
          hanging.add(res);
          return;
        }
        res.writeHead(failWith).end();
        return;
      }
      setTimeout(() => {
        if (res.destroyed) return;
        if (!seen.has(id)) {
          seen.add(id);
          r.accepted.push({ id, ...payload });
        }
        res.writeHead(204).end();
      }, r.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(r, {
    url: `http://127.0.0.1:${port}/hooks`,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
