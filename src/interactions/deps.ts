import type Provider from 'oidc-provider';
import type { Config } from '../config.js';
import type { LoginPolicyResolver } from '../provider/policy.js';
import type { AccountService } from '../services/accounts.js';
import type { CertificateService } from '../services/certificates.js';
import type { LoginRecorder } from '../services/login-records.js';
import type { PassOneService } from '../services/pass-one.js';
import type { PasskeyService } from '../services/passkeys.js';
import type { ServiceCatalog } from '../services/service-catalog.js';
import type { Throttle } from '../services/throttle.js';
import type { TwFidoLogin } from '../services/twfido-login.js';
import type { InteractionStateStore } from './state.js';

/** What the hosted pages need; built once in app.ts. */
export interface InteractionDeps {
  config: Config;
  provider(): Provider;
  accounts: AccountService;
  recorder: LoginRecorder;
  state: InteractionStateStore;
  /** brute-force protection for every guessable input (services/throttle.ts) */
  throttle: Throttle;
  /** passOne pass codes (methods/pass-one) */
  passOne: PassOneService;
  /** passkeys (methods/passkey, the account page /account/passkeys) */
  passkeys: PasskeyService;
  /** 行動自然人憑證 (methods/fido); undefined when TW FidO is not configured */
  twfido: TwFidoLogin | undefined;
  /** 自然人憑證 on a card: verification and bindings (methods/certificate, /account/certificate) */
  certificates: CertificateService;
  /** which methods and which assurance a client and account need (provider/policy.ts) */
  loginPolicy: LoginPolicyResolver;
  /** 服務: the activation page of an activation-required service's client (interactions/activation) */
  serviceCatalog: ServiceCatalog;
}
