import type Provider from 'oidc-provider';
import type { Config } from '../config.js';
import type { AccountService } from '../services/accounts.js';
import type { LoginRecorder } from '../services/login-records.js';
import type { InteractionStateStore } from './state.js';

/** What the hosted pages need; built once in app.ts. */
export interface InteractionDeps {
  config: Config;
  provider(): Provider;
  accounts: AccountService;
  recorder: LoginRecorder;
  state: InteractionStateStore;
}
