/**
 * API tokens: checked on every API request, listed, created and revoked in Settings → API tokens.
 * A token is stored as a hash; creating and revoking one are recorded in the Connection Log through
 * events, with the token's first 8 characters only.
 */
import type { ApiToken } from '../db/repositories/api-tokens';
import type { Store } from '../db/store';
import type { EventBus } from '../engine/events';

export type { ApiToken };

export class ApiTokensService {
  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
  ) {}

  verify(value: string): Promise<ApiToken | null> {
    return this.store.tokens.verify(value);
  }

  list(): Promise<ApiToken[]> {
    return this.store.tokens.list(null);
  }

  /** The token's value is returned once, for the person who created it. */
  async create(actor: string, p: { tenantId: string; name: string; role: 'admin' | 'viewer' }): Promise<{ token: string }> {
    const { token } = await this.store.tokens.create(p);
    await this.bus.emit('api_token.created', { tenantId: p.tenantId, actor, name: p.name, role: p.role, tokenPrefix: token.slice(0, 8) });
    return { token };
  }

  async revoke(actor: string, id: number): Promise<boolean> {
    const done = await this.store.tokens.revoke(id);
    if (done) await this.bus.emit('api_token.revoked', { actor, tokenId: id });
    return done;
  }
}
