import type { Knex } from 'knex';
import { epochTime, type Payload, type PayloadStore } from './payload-store.js';

interface Row {
  id: string;
  payload: Payload;
  consumed_at: Date | null;
}

const live = (q: Knex.QueryBuilder) =>
  q.where((w) => w.whereNull('expires_at').orWhere('expires_at', '>', new Date()));

/** Postgres store: durable models, and every model when Redis is not configured. */
export class PgPayloadStore implements PayloadStore {
  constructor(private readonly db: Knex) {}

  async upsert(model: string, id: string, payload: Payload, expiresIn?: number): Promise<void> {
    const row = {
      model,
      id,
      payload,
      grant_id: payload.grantId ?? null,
      uid: payload.uid ?? null,
      user_code: payload.userCode ?? null,
      account_id: model === 'Grant' ? (payload.accountId ?? null) : null,
      client_id: model === 'Grant' ? (payload.clientId ?? null) : null,
      consumed_at: null,
      expires_at: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null,
    };
    await this.db('oidc_payloads').insert(row).onConflict(['model', 'id']).merge();
  }

  private async one(q: Knex.QueryBuilder): Promise<Payload | undefined> {
    const row = (await live(q).first('id', 'payload', 'consumed_at')) as Row | undefined;
    if (!row) return undefined;
    return row.consumed_at ? { ...row.payload, consumed: epochTime(row.consumed_at.getTime()) } : row.payload;
  }

  find(model: string, id: string) {
    return this.one(this.db('oidc_payloads').where({ model, id }));
  }

  findByUid(model: string, uid: string) {
    return this.one(this.db('oidc_payloads').where({ model, uid }));
  }

  findByUserCode(model: string, userCode: string) {
    return this.one(this.db('oidc_payloads').where({ model, user_code: userCode }));
  }

  async consume(model: string, id: string): Promise<void> {
    await this.db('oidc_payloads')
      .where({ model, id })
      .whereNull('consumed_at')
      .update({ consumed_at: new Date() });
  }

  async destroy(model: string, id: string): Promise<void> {
    await this.db('oidc_payloads').where({ model, id }).delete();
  }

  async revokeByGrantId(model: string, grantId: string): Promise<void> {
    await this.db('oidc_payloads').where({ model, grant_id: grantId }).delete();
  }

  /** Grants of an account (optionally for one client), newest first. */
  async findGrants(accountId: string, clientId?: string) {
    const q = this.db('oidc_payloads').where({ model: 'Grant', account_id: accountId });
    if (clientId) q.andWhere({ client_id: clientId });
    const rows = (await live(q)
      .select('id', 'payload')
      .orderByRaw("(payload->>'iat')::bigint DESC")) as Row[];
    return rows.map((r) => ({ id: r.id, payload: r.payload }));
  }

  /** Deletes expired rows in small batches; returns how many were removed. */
  async deleteExpired(batch = 1000): Promise<number> {
    const result = await this.db.raw(
      `DELETE FROM oidc_payloads WHERE ctid IN (
         SELECT ctid FROM oidc_payloads WHERE expires_at < now() LIMIT ?)`,
      [batch],
    );
    return result.rowCount ?? 0;
  }
}
