/**
 * Builds the oidc-provider instance from configuration and wires what configuration cannot
 * express: hashed client secrets, and session history from provider events.
 */
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import type { Config } from '../config.js';
import type { ClientService } from '../services/clients.js';
import { isHashedSecret } from '../services/clients.js';
import type { LoginRecorder } from '../services/login-records.js';
import { type ProviderDeps, providerConfiguration } from './configuration.js';

export interface CreateProviderDeps extends ProviderDeps {
  clients: ClientService;
  recorder: LoginRecorder;
  /** called when an interaction result that logged a user in is applied to a session */
  onLoginResumed(ctx: KoaContextWithOIDC): void;
  onError(err: unknown, where: string): void;
}

export function createProvider(config: Config, deps: CreateProviderDeps): Provider {
  const provider = new Provider(config.issuer, providerConfiguration(config, deps));
  provider.proxy = config.trustProxy;
  provider.maxIpsCount = config.trustProxyHops;

  // Secrets of client_secret_basic/post clients are stored as keyed hashes; the provider sees
  // the hash as client_secret and this compares what the client presents against it
  // (panva/node-oidc-provider#631 names this prototype method as the extension point).
  const compare = provider.Client.prototype.compareClientSecret;
  provider.Client.prototype.compareClientSecret = function (
    this: InstanceType<Provider['Client']>,
    actual: string,
  ) {
    if (isHashedSecret(this.clientSecret)) {
      return deps.clients.verifyHashedSecret(this.clientId, actual, this.clientSecret);
    }
    return compare.call(this, actual);
  };

  provider.on('interaction.ended', (ctx: KoaContextWithOIDC) => deps.onLoginResumed(ctx));

  const recordSessionOperation = (type: 'authorize' | 'logout') => (ctx: KoaContextWithOIDC) => {
    const session = ctx.oidc.session;
    if (!session?.uid) return;
    deps.recorder.recordSessionEvent({
      sessionId: session.uid,
      accountId: session.accountId,
      type,
      clientId: ctx.oidc.client?.clientId,
    });
  };
  provider.on('authorization.success', recordSessionOperation('authorize'));
  provider.on('end_session.success', recordSessionOperation('logout'));

  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    const { entities, params } = ctx.oidc;
    const source = entities.AuthorizationCode ?? entities.RefreshToken;
    if (!source?.sessionUid) return; // client_credentials and offline refreshes belong to no session
    deps.recorder.recordSessionEvent({
      sessionId: source.sessionUid,
      accountId: source.accountId,
      type: 'token',
      clientId: ctx.oidc.client?.clientId,
      detail: String(params?.grant_type ?? ''),
    });
  });

  for (const event of ['server_error', 'grant.error', 'backchannel.error'] as const) {
    (provider as unknown as NodeJS.EventEmitter).on(event, (...args: unknown[]) => {
      const err = args.find((a) => a instanceof Error);
      if (event === 'grant.error' && (err as { expose?: boolean } | undefined)?.expose) return;
      deps.onError(err, event);
    });
  }
  return provider;
}
