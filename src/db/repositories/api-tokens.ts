import crypto from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema';
import { iso } from '../clock';

export interface ApiToken {
  id: number;
  tenantId: string | null;
  name: string;
  prefix: string;
  role: 'admin' | 'viewer';
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Tokens are stored as SHA-256 hashes: a leaked database does not leak usable tokens. */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export function newTokenValue(): string {
  return `xpt_${crypto.randomBytes(24).toString('base64url')}`;
}

export class ApiTokensRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Creates a token with a given value (idempotent for XPORT_API_TOKEN at start-up). */
  async ensure(p: { value: string; tenantId: string | null; name: string; role?: 'admin' | 'viewer' }): Promise<void> {
    const hash = hashToken(p.value);
    await this.db
      .insertInto('api_tokens')
      .values({ tenant_id: p.tenantId, name: p.name, token_hash: hash, prefix: p.value.slice(0, 8), role: p.role ?? 'admin', created_at: iso() })
      .onConflict((oc) => oc.column('token_hash').doUpdateSet({ tenant_id: p.tenantId, revoked_at: null }))
      .execute();
  }

  async create(p: { tenantId: string | null; name: string; role: 'admin' | 'viewer' }): Promise<{ token: string; id: number }> {
    const token = newTokenValue();
    const { id } = await this.db
      .insertInto('api_tokens')
      .values({ tenant_id: p.tenantId, name: p.name, token_hash: hashToken(token), prefix: token.slice(0, 8), role: p.role, created_at: iso() })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { token, id };
  }

  async verify(value: string): Promise<ApiToken | null> {
    const r = await this.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hashToken(value)).where('revoked_at', 'is', null).executeTakeFirst();
    if (!r) return null;
    await this.db.updateTable('api_tokens').set({ last_used_at: iso() }).where('id', '=', r.id).execute();
    return toApiToken(r);
  }

  async list(tenantId: string | null): Promise<ApiToken[]> {
    let q = this.db.selectFrom('api_tokens').selectAll().orderBy('id');
    if (tenantId) q = q.where('tenant_id', '=', tenantId);
    const rows = await q.execute();
    return rows.map(toApiToken);
  }

  async revoke(id: number): Promise<boolean> {
    const rows = await this.db.updateTable('api_tokens').set({ revoked_at: iso() }).where('id', '=', id).where('revoked_at', 'is', null).returning('id').execute();
    return rows.length > 0;
  }
}

function toApiToken(r: Selectable<Database['api_tokens']>): ApiToken {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    name: r.name,
    prefix: r.prefix,
    role: r.role === 'viewer' ? 'viewer' : 'admin',
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}
