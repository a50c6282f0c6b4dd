/**
 * Consents a user gave to relying parties (oidc-provider Grants): listed per account and
 * revocable; revoking one also revokes every token issued under it.
 */

import type { PayloadStore } from '../adapters/oidc/payload-store.js';
import type { PgPayloadStore } from '../adapters/oidc/pg-payload-store.js';

const TOKEN_MODELS = [
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
];

export interface Consent {
  grantId: string;
  clientId: string;
  scopes: string[];
  grantedAt: Date;
}

export interface ConsentService {
  list(accountId: string, clientId?: string): Promise<Consent[]>;
  /** @returns how many consents were revoked */
  revoke(accountId: string, clientId: string): Promise<number>;
}

export function createConsentService(durable: PgPayloadStore, shortLived: PayloadStore): ConsentService {
  const list = async (accountId: string, clientId?: string) => {
    const grants = await durable.findGrants(accountId, clientId);
    return grants.map(({ id, payload }) => {
      const openid = (payload.openid as { scope?: string } | undefined)?.scope ?? '';
      return {
        grantId: id,
        clientId: String(payload.clientId),
        scopes: openid.split(' ').filter(Boolean),
        grantedAt: new Date(Number(payload.iat) * 1000),
      };
    });
  };
  return {
    list,
    async revoke(accountId, clientId) {
      const consents = await list(accountId, clientId);
      for (const { grantId } of consents) {
        for (const model of TOKEN_MODELS) {
          await shortLived.revokeByGrantId(model, grantId);
          if (shortLived !== durable) await durable.revokeByGrantId(model, grantId);
        }
        await durable.destroy('Grant', grantId);
      }
      return consents.length;
    },
  };
}
