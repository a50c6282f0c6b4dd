/**
 * The storage contract behind oidc-provider's adapter interface, implemented once for Redis
 * (short-lived models) and once for Postgres (durable models; everything in evaluation mode).
 * One contract suite (test/adapters/payload-store.test.ts) runs against both.
 */
export type Payload = Record<string, unknown> & {
  grantId?: string;
  uid?: string;
  userCode?: string;
  accountId?: string;
  clientId?: string;
  consumed?: number;
};

export interface PayloadStore {
  upsert(model: string, id: string, payload: Payload, expiresIn?: number): Promise<void>;
  find(model: string, id: string): Promise<Payload | undefined>;
  findByUid(model: string, uid: string): Promise<Payload | undefined>;
  findByUserCode(model: string, userCode: string): Promise<Payload | undefined>;
  consume(model: string, id: string): Promise<void>;
  destroy(model: string, id: string): Promise<void>;
  revokeByGrantId(model: string, grantId: string): Promise<void>;
}

export const epochTime = (date = Date.now()) => Math.floor(date / 1000);
