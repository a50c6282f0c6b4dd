/**
 * Full authorization code flows driven by openid-client as the RP, with HttpAgent as the
 * browser: authorize → login form → (consent) → code → tokens, id_token validated.
 */
import * as oidc from 'openid-client';
import { csrfFrom, formActionFrom, HttpAgent } from './http-agent.js';

export interface RpOptions {
  clientId: string;
  clientSecret?: string;
  auth?: 'basic' | 'post' | 'none';
}

export async function discoverRp(issuer: string, opts: RpOptions) {
  const auth =
    opts.auth === 'none'
      ? oidc.None()
      : opts.auth === 'post'
        ? oidc.ClientSecretPost(opts.clientSecret)
        : oidc.ClientSecretBasic(opts.clientSecret);
  return oidc.discovery(new URL(issuer), opts.clientId, opts.clientSecret, auth, {
    execute: [oidc.allowInsecureRequests],
  });
}

export interface LoginOptions {
  username: string;
  password: string;
  scope?: string;
  redirectUri?: string;
  consent?: 'allow' | 'deny';
  extraParams?: Record<string, string>;
  agent?: HttpAgent;
  pkce?: boolean;
}

export async function startAuthorization(config: oidc.Configuration, opts: LoginOptions) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const params: Record<string, string> = {
    redirect_uri: opts.redirectUri ?? 'https://app.example.edu.tw/callback',
    scope: opts.scope ?? 'openid profile email',
    state,
    nonce,
    ...opts.extraParams,
  };
  if (opts.pkce !== false) {
    params.code_challenge = await oidc.calculatePKCECodeChallenge(verifier);
    params.code_challenge_method = 'S256';
  }
  return { url: oidc.buildAuthorizationUrl(config, params), verifier, state, nonce };
}

/**
 * An authorization request with prompt=none in `agent`: the callback's parameters, `code` while
 * the browser's OP session lives, `error=login_required` once it has ended.
 */
export async function silentAuthorization(config: oidc.Configuration, agent: HttpAgent) {
  const { url } = await startAuthorization(config, {
    username: '',
    password: '',
    extraParams: { prompt: 'none' },
  });
  return new URL((await agent.follow(url.href)).location ?? '').searchParams;
}

/** Submits the login page; returns the response that follows (consent page, RP redirect, or form). */
export async function submitLogin(
  agent: HttpAgent,
  loginPageHtml: string,
  username: string,
  password: string,
) {
  return agent.follow(formActionFrom(loginPageHtml, '/password'), {
    form: { username, password, csrf: csrfFrom(loginPageHtml) },
  });
}

export async function authorize(issuer: string, config: oidc.Configuration, opts: LoginOptions) {
  const agent = opts.agent ?? new HttpAgent(issuer);
  const { url, verifier, state, nonce } = await startAuthorization(config, opts);
  let res = await agent.follow(url.href);
  if (res.status === 200 && res.body.includes('/password')) {
    res = await submitLogin(agent, res.body, opts.username, opts.password);
  }
  if (res.status === 200 && res.body.includes('/consent')) {
    res = await agent.follow(formActionFrom(res.body, '/consent'), {
      form: { decision: opts.consent ?? 'allow', csrf: csrfFrom(res.body) },
    });
  }
  if (!res.location) throw new Error(`flow did not reach the RP: ${res.status} ${res.body.slice(0, 500)}`);
  const callback = new URL(res.location);
  return { agent, callback, verifier, state, nonce };
}

export async function loginAndGetTokens(issuer: string, config: oidc.Configuration, opts: LoginOptions) {
  const flow = await authorize(issuer, config, opts);
  const tokens = await oidc.authorizationCodeGrant(config, flow.callback, {
    pkceCodeVerifier: opts.pkce === false ? undefined : flow.verifier,
    expectedState: flow.state,
    expectedNonce: flow.nonce,
  });
  return { ...flow, tokens };
}
