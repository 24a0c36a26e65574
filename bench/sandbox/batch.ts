/**
 * Throughput of the sandbox: PUT /Invoices with batches of 50, limits off, one client in series.
 * Run: npx tsx bench/sandbox/batch.ts [seconds=10] [batch=50]
 * The organisation is reset every 100 requests so that the figure is per batch, not per stored invoice.
 */
import { startSandbox } from '../../src/sandbox/index';

const seconds = Number(process.argv[2] ?? 10);
const batch = Number(process.argv[3] ?? 50);

const sandbox = await startSandbox({ port: 0, limits: { enabled: false } });
const basic = Buffer.from(`${sandbox.clientId}:${sandbox.clientSecret}`).toString('base64');
const token = (
  (await (
    await fetch(`${sandbox.url}/connect/token`, {
      method: 'POST',
      body: 'grant_type=client_credentials',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    })
  ).json()) as { access_token: string }
).access_token;
const tenantId = sandbox.tenants[0]?.tenantId ?? '';

const invoices = Array.from({ length: batch }, (_, i) => ({
  Type: 'ACCREC',
  Contact: { Name: 'Boom FM' },
  Date: '2026-03-01',
  Status: 'AUTHORISED',
  Reference: `bench-${i}`,
  LineItems: [
    { Description: 'Widget', Quantity: 3, UnitAmount: 19.95, AccountCode: '200', TaxType: 'OUTPUT2' },
    { Description: 'Freight', Quantity: 1, UnitAmount: 12.5, AccountCode: '260', TaxType: 'OUTPUT2' },
  ],
}));
const body = JSON.stringify({ Invoices: invoices });
const headers = { authorization: `Bearer ${token}`, 'xero-tenant-id': tenantId, 'content-type': 'application/json', accept: 'application/json' };

async function once(): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${sandbox.url}/api.xro/2.0/Invoices?summarizeErrors=false`, { method: 'PUT', headers, body });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`unexpected ${res.status}`);
  return performance.now() - t0;
}

for (let i = 0; i < 20; i++) await once(); // warm-up (JIT, connection)
const latencies: number[] = [];
const end = performance.now() + seconds * 1000;
while (performance.now() < end) {
  if (latencies.length % 100 === 0) await fetch(`${sandbox.url}/_sandbox/reset`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
  latencies.push(await once());
}
const total = latencies.reduce((a, b) => a + b, 0) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]?.toFixed(2);
console.log(`PUT /Invoices, ${batch} invoices per request, limits off, ${latencies.length} requests in ${total.toFixed(1)} s`);
console.log(`  ${(latencies.length / total).toFixed(0)} requests/s, ${((latencies.length * batch) / total).toFixed(0)} invoices/s`);
console.log(`  latency p50 ${pct(0.5)} ms, p95 ${pct(0.95)} ms, p99 ${pct(0.99)} ms`);
await sandbox.close();
