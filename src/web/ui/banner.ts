/**
 * The "Xero Export Queue" banner on every page, and its live updates: one subscriber per process
 * listens to the engine's events, waits a moment for a burst to settle (debounce), renders the banner
 * once per organisation and pushes it to every open page of that organisation over server-sent events.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../../app/runtime';
import type { StatusSummary } from '../../engine/service';
import { retryOutcome } from './export-outcome';
import { timeZoneFor } from './cached-reference';
import { count, time } from './format';
import { currentTenant } from './context';
import { html, type Html } from './html';

const DEBOUNCE_MS = 250;
const HEARTBEAT_MS = 25_000;
const EVENTS = ['queue.changed', 'export.failed', 'export.exported', 'tenant.paused', 'tenant.resumed'] as const;

/** "Xero daily limit reached" for a rate-limit pause; the engine's own reason otherwise. */
function pauseText(p: StatusSummary['paused'][number], tz: string): Html {
  const what = p.code === 'rate_limit_day' ? 'Xero daily limit reached' : p.code?.startsWith('rate_limit') ? 'Xero rate limit reached' : p.reason || 'Exports paused';
  const until = p.until ? html`, resumes at ${time(p.until, 'when', tz)}` : html`, until it is lifted`;
  return html`<span class="banner-note banner-pause" data-testid="banner-pause">${p.tenantName}: ${what}${until}</span>`;
}

export function renderBanner(s: StatusSummary | null, tz = 'UTC'): Html {
  if (!s)
    return html`<div id="banner" class="banner" role="status" aria-live="polite">Xero Export Queue: no Xero organisation is connected yet. <a href="/settings#connection">Connect to Xero</a></div>`;
  const tone = s.disconnected.length > 0 || s.failed > 0 ? 'banner-alert' : s.paused.length > 0 ? 'banner-warn' : '';
  return html`<div id="banner" class="banner ${tone}" role="status" aria-live="polite" data-queued="${s.queued}" data-failed="${s.failed}">
  <span class="banner-main">Xero Export Queue: <strong>${count(s.queued)}</strong> in the queue and <strong>${count(s.failed)}</strong> failed ${s.failed === 1 ? 'export' : 'exports'}</span>
  <a class="banner-link" href="/queue#failed">View Failed Exports</a>
  ${s.paused.map((p) => pauseText(p, tz))}
  ${s.disconnected.map((d) => html`<span class="banner-note banner-lost" data-testid="banner-lost">Connection to Xero lost for ${d.tenantName}: exports wait until it is reconnected. <a href="/settings#connection">Reconnect</a></span>`)}
</div>`;
}

export async function bannerFor(rt: Runtime, tenantId: string | null): Promise<Html> {
  return renderBanner(tenantId ? await rt.queue.status(tenantId) : null, await timeZoneFor(rt, tenantId));
}

interface Client {
  tenantId: string | null;
  reply: FastifyReply;
  /** The page lists exports whose outcome it shows live (the Export All result page). */
  exports: boolean;
}

/** Events after which an export's outcome may have changed. */
const EXPORT_EVENTS = ['export.exported', 'export.failed', 'export.retry_scheduled', 'export.waiting'] as const;

export class BannerBroadcaster {
  private readonly clients = new Set<Client>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly unsubscribe: Array<() => void> = [];
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(private readonly rt: Runtime) {
    for (const e of EVENTS) this.unsubscribe.push(rt.bus.on(e, (p) => this.schedule(p.tenantId)));
    // Each outcome reads the export again: detached, so a worker never waits for live pages, and only
    // while a page follows exports (pushOutcome would find no page to write to).
    const followed = (): boolean => this.followsExports();
    for (const e of EXPORT_EVENTS) this.unsubscribe.push(rt.bus.onDetached(e, (p) => this.pushOutcome(p.tenantId, p.exportId), followed));
    this.unsubscribe.push(
      rt.bus.onDetached(
        'export.action',
        async (p) => {
          await Promise.all(p.exportIds.slice(0, 500).map((id) => this.pushOutcome(p.tenantId, id)));
        },
        followed,
      ),
    );
  }

  /** Streams banner updates to one page until it goes away. */
  async attach(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const { tenant } = await currentTenant(this.rt, req);
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    reply.raw.write('retry: 3000\n\n');
    const client: Client = { tenantId: tenant?.id ?? null, reply, exports: (req.query as Record<string, unknown> | undefined)?.exports === '1' };
    this.clients.add(client);
    this.heartbeat ??= setInterval(() => this.clients.forEach((c) => c.reply.raw.write(': keep-alive\n\n')), HEARTBEAT_MS);
    req.raw.on('close', () => this.detach(client));
  }

  private followsExports(): boolean {
    for (const c of this.clients) if (c.exports) return true;
    return false;
  }

  private detach(client: Client): void {
    this.clients.delete(client);
    if (this.clients.size === 0 && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = null;
    }
  }

  private schedule(tenantId: string): void {
    if (this.timers.has(tenantId)) return;
    this.timers.set(
      tenantId,
      setTimeout(() => {
        this.timers.delete(tenantId);
        this.push(tenantId).catch((err: unknown) => this.rt.logger.error({ err }, 'banner update failed'));
      }, DEBOUNCE_MS),
    );
  }

  private async push(tenantId: string): Promise<void> {
    const targets = [...this.clients].filter((c) => c.tenantId === tenantId);
    if (targets.length === 0) return;
    const data = (await bannerFor(this.rt, tenantId)).value.replace(/\s*\n\s*/g, ' ');
    for (const c of targets) c.reply.raw.write(`event: banner\ndata: ${data}\n\n`);
  }

  /** Sends one export's current outcome to the pages that follow exports: `{"id","state","text"}`. */
  private async pushOutcome(tenantId: string, exportId: number): Promise<void> {
    const targets = [...this.clients].filter((c) => c.exports && c.tenantId === tenantId);
    if (targets.length === 0) return;
    try {
      const outcome = retryOutcome(await this.rt.queue.get(tenantId, exportId));
      const data = JSON.stringify({ id: exportId, ...outcome });
      for (const c of targets) c.reply.raw.write(`event: export\ndata: ${data}\n\n`);
    } catch (err) {
      this.rt.logger.error({ err }, 'export update failed');
    }
  }

  close(): void {
    this.unsubscribe.forEach((u) => u());
    this.timers.forEach((t) => clearTimeout(t));
    this.timers.clear();
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const c of this.clients) c.reply.raw.end();
    this.clients.clear();
  }
}

export function registerBannerEvents(app: FastifyInstance, rt: Runtime): void {
  const broadcaster = new BannerBroadcaster(rt);
  app.get('/events', (req, reply) => broadcaster.attach(req, reply));
  app.addHook('preClose', (done) => {
    broadcaster.close();
    done();
  });
}
