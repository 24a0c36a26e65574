/**
 * Builds xport's Xero authorisation from the configuration: the secret box (checked against the
 * database), the OAuth client when an OAuth app is configured (XERO_CLIENT_ID + XERO_REDIRECT_URI),
 * the token source the engine uses, and the connection manager the web routes and schedules use.
 *
 * Without XERO_REDIRECT_URI, xport runs as a custom connection (client credentials, one organisation,
 * docs/xero.md#custom-connections) through `customConnection`; with it, organisations without an OAuth grant are "not connected".
 */
import type { Config } from '../config/config';
import { XeroConnectionsRepository } from '../db/repositories/xero-connections';
import type { Store } from '../db/store';
import { ConnectionManager } from '../engine/connections';
import type { EventBus } from '../engine/events';
import { verifySecretKey } from '../security/key-check';
import { SecretBox } from '../security/secret-box';
import { OAuthClient, oauthOptionsFrom } from '../xero/oauth';
import { OAuthTokenSource } from '../xero/oauth-token-source';
import type { TokenSource } from '../xero/tokens';

export interface XeroAuth {
  box: SecretBox;
  tokens: TokenSource;
  manager: ConnectionManager;
}

export const NOT_CONNECTED: TokenSource = {
  accessToken: async () => ({ ok: false, code: 'not_connected', reason: 'This organisation is not connected to Xero: connect it in Settings → Xero connection' }),
  invalidate: () => {},
};

export async function setupXeroAuth(config: Readonly<Config>, store: Store, bus: EventBus, customConnection: TokenSource): Promise<XeroAuth> {
  const box = SecretBox.load(config);
  await verifySecretKey(store.kv, box);
  const repo = new XeroConnectionsRepository(store.db);
  const options = oauthOptionsFrom(config);
  const oauth = options && config.xero.redirectUri ? new OAuthClient(options) : null;
  let manager: ConnectionManager | null = null;
  const tokens = oauth ? new OAuthTokenSource({ repo, box, oauth, fallback: NOT_CONNECTED, onLost: (authId, reason) => manager?.markLost(authId, reason) ?? Promise.resolve() }) : null;
  manager = new ConnectionManager({ store, repo, box, bus, oauth, tokens, apiUrl: config.xero.apiUrl, timeoutMs: config.xeroTimeoutMs });
  return { box, tokens: tokens ?? customConnection, manager };
}

/** Finishes interrupted refreshes now, then keeps connections alive: every 10 minutes, /connections checked hourly. */
export function startConnectionSchedules(manager: ConnectionManager, onError: (err: unknown) => void): () => void {
  let ticks = 0;
  const run = (): void => {
    ticks += 1;
    manager.maintain({ checkConnections: ticks % 6 === 1 }).catch(onError);
  };
  run();
  const timer = setInterval(run, 10 * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
