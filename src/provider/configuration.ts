/**
 * providerConfiguration(config, deps): what goes into new Provider(). Pure: every I/O
 * arrives through deps. Each option that differs from oidc-provider's default says why.
 */

import type { JWK } from 'jose';
import {
  type Configuration,
  type FindAccount,
  interactionPolicy,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import type { Config } from '../config.js';
import { type LoginPolicyResolver, meetsAcr } from './policy.js';
import { interactionPath, OIDC_ROUTES } from './routes.js';

export interface ProviderDeps {
  adapter: NonNullable<Configuration['adapter']>;
  findAccount: FindAccount;
  jwks: { keys: JWK[] };
  cookieKeys: readonly string[];
  acrValues: readonly string[];
  /** clients of our own that always exist (the admin console), not rows in the clients table */
  staticClients?: ReadonlyArray<Record<string, unknown>>;
  /**
   * The login policy (provider/policy.ts) of a client and account: the step-up check of the
   * login prompt asks it. Absent only in the CLI's validation-only provider.
   */
  loginPolicy?: LoginPolicyResolver;
  /**
   * Whether the account has yet to activate the service (服務) behind this client: then no
   * code is issued until it does (services/service-catalog.ts). Absent in the CLI's provider.
   */
  isActivationMissing?(accountId: string, clientId: string): Promise<boolean>;
  /** grant id of a consent the account gave this client in an earlier session */
  findRememberedGrantId(accountId: string, clientId: string): Promise<string | undefined>;
  logoutSource(ctx: KoaContextWithOIDC, form: string): Promise<void>;
  postLogoutSuccessSource(ctx: KoaContextWithOIDC): Promise<void>;
  renderError(
    ctx: KoaContextWithOIDC,
    out: { error: string; error_description?: string },
    error: Error,
  ): Promise<void>;
}

export const SCOPE_CLAIMS = {
  // standalone claims oidc-provider fills from the session (sid: ownCloud and back-channel logout)
  acr: null,
  amr: null,
  auth_time: null,
  sid: null,
  // RPs and step-up (acr_values) need to see how the user signed in
  openid: ['sub', 'acr', 'amr', 'auth_time'],
  profile: ['name', 'family_name', 'given_name', 'preferred_username', 'updated_at'],
  email: ['email', 'email_verified'],
  // MOE/county scopes (reference §2, §4): eduinfo in userinfo as the MOE prototype did;
  // openid2_id under MOE's Java-sample spelling open2_id too
  eduinfo: ['schoolid', 'titles', 'classinfo'],
  openid2: ['openid2_id', 'open2_id'],
  personid: ['personid'],
  guid: ['guid'],
} as const;

/**
 * Scopes a client's `scope` metadata can list. 'admin' carries no claims: it authorizes the
 * admin API. Other MOE-family scopes (educloudroles, exchangedata, syncdata, worker,
 * relation, kh_*) are not listed, and oidc-provider ignores what it does not list, so RPs
 * that ask for them still sign in (reference §5.10).
 */
export const SCOPES = [
  'openid',
  'offline_access',
  'profile',
  'email',
  'eduinfo',
  'openid2',
  'personid',
  'guid',
  'admin',
] as const;

/** Name of the login prompt's check that asks for a stronger method (interactions/pages.ts shows it). */
export const STEP_UP_REASON = 'edu_step_up';

/**
 * oidc-provider's default prompts, with one more check on 'login': the session's acr ranks
 * below what the login policy requires for this client and account (RP acr_values, the
 * client's default_acr_values, a county rule, the admin floor), so the user signs in again in
 * the same session with a stronger method (step-up). Without a session the no_session check
 * asks for a login anyway; the policy then applies to the account that signs in.
 */
function interactionPolicyWithStepUp(resolve: LoginPolicyResolver | undefined) {
  const policy = interactionPolicy.base();
  if (!resolve) return policy;
  const login = policy.get('login');
  if (!login) throw new Error('oidc-provider has no login prompt');
  login.checks.add(
    new interactionPolicy.Check(
      STEP_UP_REASON,
      'a stronger authentication method is required',
      'interaction_required',
      async (ctx) => {
        const { session, client, params } = ctx.oidc;
        if (!session?.accountId || !client) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
        const { requiredAcr } = await resolve({
          clientId: client.clientId,
          client: client.metadata(),
          accountId: session.accountId,
          acrValues: typeof params?.acr_values === 'string' ? params.acr_values : undefined,
        });
        return meetsAcr(session.acr, requiredAcr)
          ? interactionPolicy.Check.NO_NEED_TO_PROMPT
          : interactionPolicy.Check.REQUEST_PROMPT;
      },
    ),
  );
  return policy;
}

/** Name of the consent prompt's check that asks for a service activation (interactions/activation). */
export const SERVICE_ACTIVATION_REASON = 'edu_service_activation';

/**
 * One more check on 'consent': the client is the RP of an activation-required service the
 * signed-in account has not activated. The interaction then shows the activation page
 * (interactions/activation) instead of issuing a code; with prompt=none the RP gets
 * interaction_required. It runs after login, so the account is known.
 */
function withServiceActivation(
  policy: ReturnType<typeof interactionPolicy.base>,
  isActivationMissing: ProviderDeps['isActivationMissing'],
) {
  if (!isActivationMissing) return policy;
  const consent = policy.get('consent');
  if (!consent) throw new Error('oidc-provider has no consent prompt');
  consent.checks.add(
    new interactionPolicy.Check(
      SERVICE_ACTIVATION_REASON,
      'the service of this client is not activated',
      'interaction_required',
      async (ctx) => {
        const { session, client } = ctx.oidc;
        if (!session?.accountId || !client) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
        return (await isActivationMissing(session.accountId, client.clientId))
          ? interactionPolicy.Check.REQUEST_PROMPT
          : interactionPolicy.Check.NO_NEED_TO_PROMPT;
      },
    ),
  );
  return policy;
}

export function providerConfiguration(config: Config, deps: ProviderDeps): Configuration {
  const { ttl } = config;
  return {
    adapter: deps.adapter,
    findAccount: deps.findAccount,
    clients: [...(deps.staticClients ?? [])] as unknown as Configuration['clients'],
    jwks: deps.jwks as Configuration['jwks'],
    routes: OIDC_ROUTES,
    claims: SCOPE_CLAIMS as unknown as Configuration['claims'],
    scopes: [...SCOPES],
    acrValues: [...deps.acrValues],
    // MOE RPs read preferred_username and email straight from the ID token (reference §3),
    // so scope-requested claims go into it as well as into userinfo.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    pkce: {
      // S256 only (oidc-provider's only method); required for public clients. Confidential
      // MOE-era RPs send no PKCE and authenticate with their secret instead.
      required: (_ctx, client) => client.clientAuthMethod === 'none',
    },
    // MOE's token response carries a refresh_token without offline_access (reference §3).
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // every refresh rotates; presenting a consumed one revokes the whole grant (oidc-provider does this)
    rotateRefreshToken: true,
    ttl: {
      AccessToken: ttl.accessToken,
      AuthorizationCode: ttl.authorizationCode,
      ClientCredentials: ttl.clientCredentials,
      IdToken: ttl.idToken,
      Interaction: ttl.interaction,
      Session: ttl.session,
      Grant: ttl.grant,
      RefreshToken: ttl.refreshToken,
      BackchannelAuthenticationRequest: 600,
      DeviceCode: 600,
    },
    cookies: {
      keys: [...deps.cookieKeys],
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    extraClientMetadata: {
      // first_party: bureau-run applications skip the consent page.
      // allow_query_access_token: the RP sends ?access_token= to the resource endpoints
      // (RFC 6750 discourages it; reference §5.11). eduinfo_gzip: eduinfo answers gzipped,
      // as tad_login expects from MOE (reference §4.1).
      properties: ['first_party', 'allow_query_access_token', 'eduinfo_gzip'],
      validator(_ctx, key, value) {
        const booleans = ['first_party', 'allow_query_access_token', 'eduinfo_gzip'];
        if (booleans.includes(key) && value !== undefined && typeof value !== 'boolean') {
          throw new Error(`${key} must be a boolean`);
        }
      },
    },
    // a browser app may call the token endpoint only from an origin of its redirect URIs
    clientBasedCORS(_ctx, origin, client) {
      return client.redirectUris?.some((u) => new URL(u).origin === origin) ?? false;
    },
    discovery: { ui_locales_supported: ['zh-TW', 'en'], claims_locales_supported: ['zh-TW'] },
    interactions: {
      // step-up: a login policy can require a stronger method than the session's (issue 4)
      // 服務: an activation-required service's client waits for the activation (issue 5)
      policy: withServiceActivation(interactionPolicyWithStepUp(deps.loginPolicy), deps.isActivationMissing),
      url: (_ctx, interaction) => interactionPath(interaction.uid),
    },
    async loadExistingGrant(ctx) {
      const { client, session, provider } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId =
        ctx.oidc.result?.consent?.grantId ||
        session.grantIdFor(client.clientId) ||
        (await deps.findRememberedGrantId(session.accountId, client.clientId));
      let grant = grantId ? await provider.Grant.find(grantId) : undefined;
      if (grant && grant.accountId !== session.accountId) grant = undefined;
      if (!grant && !client.metadata().first_party) return undefined;
      if (client.metadata().first_party) {
        grant ??= new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
        // first-party clients get what they ask for without a consent page; the grant is
        // written only when the request asks for more than it holds (not at every login)
        const scopes = [...(ctx.oidc.requestParamOIDCScopes ?? [])];
        const claims = [...(ctx.oidc.requestParamClaims ?? [])];
        const heldScopes = new Set(grant.getOIDCScope().split(' '));
        const heldClaims = new Set(grant.getOIDCClaims());
        if (!grant.jti || scopes.some((x) => !heldScopes.has(x)) || claims.some((x) => !heldClaims.has(x))) {
          grant.addOIDCScope(scopes.join(' '));
          if (claims.length) grant.addOIDCClaims(claims);
          await grant.save();
        }
      }
      return grant;
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      claimsParameter: { enabled: true },
      backchannelLogout: { enabled: true },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      requestObjects: { enabled: true, requireSignedRequestObject: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: deps.logoutSource,
        postLogoutSuccessSource: deps.postLogoutSuccessSource,
      },
    },
    renderError: deps.renderError,
  };
}
