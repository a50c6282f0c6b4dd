/**
 * What the public pages need, and the shape of one page: the pages router mounts every page's
 * GET and POST itself, so each POST gets the CSRF guard and each form a way back on error.
 */
import type { Context } from 'koa';
import type { Config } from '../config.js';
import type { ProviderHolder } from '../provider/provider-holder.js';
import type { AccountTokenService } from '../services/account-tokens.js';
import type { AccountService } from '../services/accounts.js';
import type { ApplicationService } from '../services/applications.js';
import type { CertificateService } from '../services/certificates.js';
import type { PasskeyService } from '../services/passkeys.js';
import type { PortalServices } from '../services/portal.js';
import type { ServiceCatalog } from '../services/service-catalog.js';
import type { Throttle } from '../services/throttle.js';
import type { AccountSessions } from './account-session.js';

export interface PagesDeps {
  config: Config;
  applications: ApplicationService;
  accountTokens: AccountTokenService;
  /** the account pages (/account/passkeys): their sign-in, the account, its passkeys */
  holder: ProviderHolder;
  accountSessions: AccountSessions;
  accounts: AccountService;
  passkeys: PasskeyService;
  /** 自然人憑證 bindings (/account/certificate) */
  certificates: CertificateService;
  /** brute-force protection; the forgot-password page counts its requests in it */
  throttle: Throttle;
  /** the user portal (/account, /account/logins, /account/profile): history, profile, sessions */
  portal: PortalServices;
  /** 服務 (/account/services): the services of the signed-in account, activation */
  serviceCatalog: ServiceCatalog;
}

/** How a form comes back after an error the user can fix. */
export interface FormState {
  /** message code for the box above the form */
  error?: string | undefined;
  /** field name → message code */
  fields?: Readonly<Record<string, string>> | undefined;
  /** what was typed */
  input?: Readonly<Record<string, unknown>> | undefined;
  status?: number | undefined;
}

export interface FormPage {
  /** @koa/router path, e.g. /apply/:id/verify */
  path: string;
  /** renders the page; the error boundary calls it to bring a form back with its state */
  render(ctx: Context, deps: PagesDeps, state: FormState): Promise<void>;
  /** GET, when it is not simply render(): a redirect, a status check */
  show?(ctx: Context, deps: PagesDeps): Promise<void>;
  /** POST */
  submit?(ctx: Context, deps: PagesDeps): Promise<void>;
}
