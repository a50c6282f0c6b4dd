/**
 * The page of an interaction: login, consent, or the forced password change, whichever the
 * interaction is at. The GET route and the error middleware (re-rendering a form with a
 * message) both render through renderInteraction, and the interaction is read once a request.
 */
import type { Context } from 'koa';
import type { InteractionResults } from 'oidc-provider';
import { changePasswordPage, consentPage, loginPage } from '../../views/index.js';
import { AppError } from '../errors.js';
import { isActivationPrompt, renderActivation } from './activation/page.js';
import { csrfToken } from './csrf.js';
import type { InteractionDeps } from './deps.js';
import { langHrefs, resolveLocale } from './locale.js';
import { isOffered, type LoginGate, loginGate } from './login-policy.js';
import { loginMethods } from './methods/index.js';
import { ACR, type LoginMethod } from './methods/types.js';
import { sendPage } from './page.js';
import { PENDING_PASSWORD_CHANGE } from './state.js';

type Details = Awaited<ReturnType<ReturnType<InteractionDeps['provider']>['interactionDetails']>>;

export interface PendingLogin extends Record<string, unknown> {
  accountId: string;
  method: string;
  username?: string | undefined;
}

/**
 * The interaction of the :uid in the path, bound to this browser's interaction cookie; read
 * once per request.
 * @throws interaction.expired (also for a uid that is not this browser's interaction)
 */
export async function interactionOf(ctx: Context, deps: InteractionDeps): Promise<Details> {
  const cached = ctx.state.interaction as Details | undefined;
  if (cached) return cached;
  const details = await deps.provider().interactionDetails(ctx.req, ctx.res);
  if (details.uid !== ctx.params.uid) throw new AppError('interaction.expired', 'interaction.expired');
  ctx.state.interaction = details;
  return details;
}

export async function pendingPasswordChange(deps: InteractionDeps, details: Details) {
  return deps.state.get<PendingLogin>(details.uid, PENDING_PASSWORD_CHANGE);
}

export async function clientInfo(deps: InteractionDeps, clientId: unknown) {
  const client = typeof clientId === 'string' ? await deps.provider().Client.find(clientId) : undefined;
  return {
    name: client?.clientName ?? (typeof clientId === 'string' ? clientId : ''),
    logoUri: client?.logoUri,
    policyUri: client?.policyUri,
    tosUri: client?.tosUri,
  };
}

export interface RenderOptions {
  /** message code shown above the form */
  error?: string | undefined;
  /** what the user typed, kept in the re-rendered form */
  username?: string | undefined;
  status?: number;
  /** the login method whose own page (LoginMethod.render) is wanted, e.g. after its failed attempt */
  method?: string | undefined;
}

/** The method whose own page the login step shows: the one asked for, or the client's. */
function ownPage(method: string | undefined, clientId: unknown): LoginMethod | undefined {
  const all = Object.values(loginMethods as Record<string, LoginMethod>);
  const asked = all.find((m) => m.id === method && m.render);
  return (
    asked ?? all.find((m) => m.render && typeof clientId === 'string' && m.clientIds?.includes(clientId))
  );
}

export async function renderInteraction(ctx: Context, deps: InteractionDeps, opts: RenderOptions = {}) {
  const details = await interactionOf(ctx, deps);
  const locale = resolveLocale(ctx, details.params.ui_locales);
  const common = {
    locale,
    csrf: csrfToken(ctx),
    langHrefs: langHrefs(ctx),
    ...(opts.error ? { error: opts.error } : {}),
  };
  const uid = details.uid;
  let html: string;
  const pending = await pendingPasswordChange(deps, details);
  // a session that is already signed in (a step-up): only what its account may use here
  const gate = !pending && details.prompt.name === 'login' ? await loginGate(deps, details) : undefined;
  const offered = (m: LoginMethod) => isOffered(gate, m);
  const own =
    !pending && details.prompt.name === 'login' ? ownPage(opts.method, details.params.client_id) : undefined;
  if (own?.render && offered(own)) {
    await own.render(ctx, deps, opts);
    return;
  }
  // 服務: the client's service waits for its activation (before any consent)
  if (!pending && isActivationPrompt(details)) {
    await renderActivation(ctx, deps, details, opts);
    return;
  }
  if (pending) {
    const account = await deps.accounts.findById(pending.accountId);
    html = changePasswordPage({
      ...common,
      action: `/interaction/${uid}/change-password`,
      ...(account ? { username: account.username } : {}),
    });
  } else if (details.prompt.name === 'login') {
    const methods = Object.values(loginMethods as Record<string, LoginMethod>).flatMap((m) =>
      m.link && (m.enabled?.(deps.config) ?? true) && offered(m)
        ? [{ id: m.id, label: m.link.label, href: `/interaction/${uid}/${m.id}` }]
        : [],
    );
    const passwordForm = offered(loginMethods.password);
    const sessionAccount = gate ? await deps.accounts.findById(gate.sessionAccountId ?? '') : undefined;
    html = loginPage({
      ...common,
      action: `/interaction/${uid}/password`,
      client: await clientInfo(deps, details.params.client_id),
      username:
        opts.username ??
        (typeof details.params.login_hint === 'string' ? details.params.login_hint : undefined) ??
        sessionAccount?.username ??
        '',
      methods,
      passwordForm,
      notice: stepUpNotice(gate, methods.length > 0 || passwordForm),
      abortHref: `/interaction/${uid}/abort`,
    });
  } else if (details.prompt.name === 'consent') {
    const prompt = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    const account = details.session?.accountId
      ? await deps.accounts.findById(details.session.accountId)
      : undefined;
    html = consentPage({
      ...common,
      action: `/interaction/${uid}/consent`,
      client: await clientInfo(deps, details.params.client_id),
      accountName: account?.name ?? account?.username ?? '',
      scopes: prompt.missingOIDCScope ?? [],
      claims: prompt.missingOIDCClaims ?? [],
    });
  } else {
    throw new AppError('interaction.unsupported_prompt', 'input.invalid');
  }
  sendPage(ctx, html, opts.status ?? (opts.error ? 400 : 200));
}

/** Why the login page asks a signed-in user to sign in again (a step-up), if it does. */
function stepUpNotice(gate: LoginGate | undefined, anyMethod: boolean) {
  if (!gate?.stepUp) return undefined;
  if (!anyMethod) return 'step_up.no_method' as const;
  const required = gate.policy.requiredAcr;
  if (required === ACR.certificate) return 'step_up.required_certificate' as const;
  if (required === ACR.passkey) return 'step_up.required_passkey' as const;
  return 'step_up.required' as const;
}

/** Redirects the browser back to oidc-provider with the interaction's result. */
export async function finishInteraction(
  ctx: Context,
  deps: InteractionDeps,
  result: InteractionResults,
  mergeWithLastSubmission: boolean,
): Promise<void> {
  // a later step (consent, activation) merges the last submission, login included: its login
  // note (finish.ts) must not go along, or the resumed login would be recorded a second time
  const merged = mergeWithLastSubmission ? { edu_login: undefined, ...result } : result;
  const redirectTo = await deps
    .provider()
    .interactionResult(ctx.req, ctx.res, merged, { mergeWithLastSubmission });
  ctx.status = 303;
  ctx.redirect(redirectTo);
}
