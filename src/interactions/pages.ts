/**
 * Renders the interaction pages from the interaction's details; used by the GET routes and
 * by the error middleware when a form is re-rendered with a message.
 */
import type { Context } from 'koa';
import { consentPage, loginPage } from '../../views/index.js';
import { csrfToken } from './csrf.js';
import type { InteractionDeps } from './deps.js';
import { langHrefs, resolveLocale } from './locale.js';
import { sendPage } from './page.js';

export async function clientInfo(deps: InteractionDeps, clientId: unknown) {
  const client = typeof clientId === 'string' ? await deps.provider().Client.find(clientId) : undefined;
  return {
    name: client?.clientName ?? (typeof clientId === 'string' ? clientId : ''),
    logoUri: client?.logoUri,
    policyUri: client?.policyUri,
    tosUri: client?.tosUri,
  };
}

export async function renderLogin(
  ctx: Context,
  deps: InteractionDeps,
  opts: { error?: string; username?: string; status?: number } = {},
): Promise<void> {
  const details = await deps.provider().interactionDetails(ctx.req, ctx.res);
  const locale = resolveLocale(ctx, details.params.ui_locales);
  const uid = details.uid;
  const html = loginPage({
    locale,
    action: `/interaction/${uid}/password`,
    csrf: csrfToken(ctx),
    client: await clientInfo(deps, details.params.client_id),
    username:
      opts.username ?? (typeof details.params.login_hint === 'string' ? details.params.login_hint : ''),
    ...(opts.error ? { error: opts.error } : {}),
    methods: [],
    langHrefs: langHrefs(ctx),
    abortHref: `/interaction/${uid}/abort`,
  });
  sendPage(ctx, html, opts.status ?? 200);
}

export async function renderConsent(ctx: Context, deps: InteractionDeps): Promise<void> {
  const provider = deps.provider();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const locale = resolveLocale(ctx, details.params.ui_locales);
  const prompt = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
  const account = details.session?.accountId
    ? await deps.accounts.findById(details.session.accountId)
    : undefined;
  const html = consentPage({
    locale,
    action: `/interaction/${details.uid}/consent`,
    csrf: csrfToken(ctx),
    client: await clientInfo(deps, details.params.client_id),
    accountName: account?.name ?? account?.username ?? '',
    scopes: prompt.missingOIDCScope ?? [],
    claims: prompt.missingOIDCClaims ?? [],
    langHrefs: langHrefs(ctx),
  });
  sendPage(ctx, html);
}
