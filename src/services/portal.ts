/**
 * What the user portal's pages need, built once (runtime.ts): its history, profile and
 * session services, the consents, and client names for the 操作紀錄 and consent lists.
 */
import type { Db } from '../adapters/db.js';
import { type AccountLoginService, createAccountLoginService } from './account-logins.js';
import { type AccountProfileService, createAccountProfileService } from './account-profile.js';
import type { AccountSessionService } from './account-sessions.js';
import type { AccountService } from './accounts.js';
import type { ClientService } from './clients.js';
import type { ConsentService } from './consents.js';
import type { Mailer } from './messaging.js';
import type { VerificationCodeService } from './verification-codes.js';

export interface PortalServices {
  logins: AccountLoginService;
  profile: AccountProfileService;
  sessions: AccountSessionService;
  consents: ConsentService;
  /** display names of clients (static first-party clients included); unknown ids map to themselves */
  clientNames(clientIds: readonly string[]): Promise<Map<string, string>>;
}

export function createPortalServices(deps: {
  db: Db;
  accounts: AccountService;
  clients: ClientService;
  consents: ConsentService;
  verificationCodes: VerificationCodeService;
  mailer: Mailer;
  sessions: AccountSessionService;
  staticClients: ReadonlyArray<{ client_id: string; client_name?: string | undefined }>;
}): PortalServices {
  const staticNames = new Map(deps.staticClients.map((c) => [c.client_id, c.client_name ?? c.client_id]));
  return {
    logins: createAccountLoginService(deps.db),
    profile: createAccountProfileService({
      db: deps.db,
      accounts: deps.accounts,
      codes: deps.verificationCodes,
      mailer: deps.mailer,
    }),
    sessions: deps.sessions,
    // the IdP's own pages (console, portal) are not consents the user gave: not listed, not revocable
    consents: {
      list: async (accountId, clientId) =>
        (await deps.consents.list(accountId, clientId)).filter((c) => !staticNames.has(c.clientId)),
      revoke: async (accountId, clientId) =>
        staticNames.has(clientId) ? 0 : deps.consents.revoke(accountId, clientId),
    },
    async clientNames(clientIds) {
      const names = new Map<string, string>();
      for (const id of new Set(clientIds)) {
        const known = staticNames.get(id);
        const name = known ?? (await deps.clients.loadClientMetadata(id))?.client_name;
        names.set(id, typeof name === 'string' && name ? name : id);
      }
      return names;
    },
  };
}
