/**
 * The page of an interaction: login, consent, or the forced password change, whichever the
 * interaction is at. The GET route and the error middleware (re-rendering a form with a
 * message) both render through renderInteraction, and the interaction is read once a request.
 */
import type { Context } from 'koa';
import type { InteractionResults } from 'oidc-provider';
import { changePasswordPage, consentPage, loginPage } from '../../views/index.js';
import { AppError } from '../errors.js';
import { csrfToken } from './csrf.js';
import type { InteractionDeps } from './deps.js';
import { langHrefs, resolveLocale } from './locale.js';
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
  if (pending) {
    const account = await deps.accounts.findById(pending.accountId);
    html = changePasswordPage({
      ...common,
      action: `/interaction/${uid}/change-password`,
      ...(account ? { username: account.username } : {}),
    });
  } else if (details.prompt.name === 'login') {
    html = loginPage({
      ...common,
      action: `/interaction/${uid}/password`,
      client: await clientInfo(deps, details.params.client_id),
      username:
        opts.username ?? (typeof details.params.login_hint === 'string' ? details.params.login_hint : ''),
      methods: [],
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

/** Redirects the browser back to oidc-provider with the interaction's result. */
export async function finishInteraction(
  ctx: Context,
  deps: InteractionDeps,
  result: InteractionResults,
  mergeWithLastSubmission: boolean,
): Promise<void> {
  const redirectTo = await deps
    .provider()
    .interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission });
  ctx.status = 303;
  ctx.redirect(redirectTo);
}
