/**
 * oidc-provider adapter: routes each model to its store. Short-lived models go to the
 * short-lived store (Redis, or Postgres in evaluation mode); Grant and RefreshToken are
 * durable; Client is read from the clients table through loadClient.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Payload, PayloadStore } from './payload-store.js';

const DURABLE_MODELS = new Set(['Grant', 'RefreshToken']);

export interface AdapterStores {
  shortLived: PayloadStore;
  durable: PayloadStore;
  loadClient(clientId: string): Promise<AdapterPayload | undefined>;
}

export function createAdapterClass(stores: AdapterStores) {
  return class OidcAdapter implements Adapter {
    private readonly store: PayloadStore;

    constructor(private readonly model: string) {
      this.store = DURABLE_MODELS.has(model) ? stores.durable : stores.shortLived;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.model === 'Client') throw new Error('clients are managed with the edu-idp CLI');
      await this.store.upsert(this.model, id, payload as Payload, expiresIn);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') return stores.loadClient(id);
      return (await this.store.find(this.model, id)) as AdapterPayload | undefined;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return (await this.store.findByUid(this.model, uid)) as AdapterPayload | undefined;
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return (await this.store.findByUserCode(this.model, userCode)) as AdapterPayload | undefined;
    }

    async consume(id: string): Promise<void> {
      await this.store.consume(this.model, id);
    }

    async destroy(id: string): Promise<void> {
      await this.store.destroy(this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await this.store.revokeByGrantId(this.model, grantId);
    }
  };
}
