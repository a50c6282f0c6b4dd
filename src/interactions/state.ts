/**
 * State of a multi-step login (a pending password change, later a certificate nonce or a
 * FIDO ticket), keyed by interaction uid in the short-lived store; it never outlives the
 * interaction.
 */
import type { PayloadStore } from '../adapters/oidc/payload-store.js';

const MODEL = 'InteractionState';

export interface InteractionStateStore {
  get<T extends Record<string, unknown>>(uid: string, key: string): Promise<T | undefined>;
  set(uid: string, key: string, value: Record<string, unknown>, expiresAt: number): Promise<void>;
  delete(uid: string, key: string): Promise<void>;
}

export function createInteractionStateStore(store: PayloadStore): InteractionStateStore {
  const id = (uid: string, key: string) => `${uid}:${key}`;
  return {
    async get<T extends Record<string, unknown>>(uid: string, key: string) {
      return (await store.find(MODEL, id(uid, key))) as T | undefined;
    },
    async set(uid, key, value, expiresAt) {
      const ttl = Math.max(1, expiresAt - Math.floor(Date.now() / 1000));
      await store.upsert(MODEL, id(uid, key), value, ttl);
    },
    delete: (uid, key) => store.destroy(MODEL, id(uid, key)),
  };
}

/** Key of the login that waits for a forced password change (see change-password/routes.ts). */
export const PENDING_PASSWORD_CHANGE = 'pending_password_change';
