/** Everything one sandbox instance holds, passed to every handler (no module-level state but the signing key). */
import type { SandboxClock } from './clock';
import type { FaultInjector } from './http/faults';
import type { IdempotencyCache } from './http/idempotency';
import type { Journal } from './http/journal';
import type { AppRegistry } from './identity/apps';
import type { GrantStore } from './identity/grants';
import type { AuthCodes } from './identity/codes';
import type { RateLimiter } from './limits/limiter';
import type { SandboxStore } from './state/store';
import type { WebhookHub } from './webhooks/hub';

export interface SandboxContext {
  clock: SandboxClock;
  store: SandboxStore;
  apps: AppRegistry;
  grants: GrantStore;
  codes: AuthCodes;
  limiter: RateLimiter;
  journal: Journal;
  idempotency: IdempotencyCache;
  faults: FaultInjector;
  webhooks: WebhookHub;
  /** The base URL once listening, e.g. http://127.0.0.1:3100. */
  baseUrl(): string;
  demoClientId: string;
}
