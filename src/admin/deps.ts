import type Provider from 'oidc-provider';
import type { createServices, SettledConfig } from '../runtime.js';
import type { AccountSessionService } from '../services/account-sessions.js';
import type { ConsoleSessions } from './session.js';

export type Services = Awaited<ReturnType<typeof createServices>>;

/** What console pages and the admin API get: every service, the config, the provider. */
export interface AdminDeps extends Services {
  config: SettledConfig;
  provider(): Provider;
  sessions: ConsoleSessions;
  /** accounts' OP sessions: a temporary password ends them */
  opSessions: AccountSessionService;
}
