/**
 * The activation page of an interaction whose consent prompt carries the
 * edu_service_activation check (provider/configuration.ts): the client is the RP of an
 * activation-required service the account has not activated.
 */
import type { Context } from 'koa';
import { activationPage } from '../../../views/activation.js';
import { SERVICE_ACTIVATION_REASON } from '../../provider/configuration.js';
import { csrfToken } from '../csrf.js';
import type { InteractionDeps } from '../deps.js';
import { langHrefs, resolveLocale } from '../locale.js';
import { sendPage } from '../page.js';
import { clientInfo, type interactionOf, type RenderOptions } from '../pages.js';

type Details = Awaited<ReturnType<typeof interactionOf>>;

/** Whether the interaction waits for a service activation. */
export function isActivationPrompt(details: Details): boolean {
  return details.prompt.name === 'consent' && details.prompt.reasons.includes(SERVICE_ACTIVATION_REASON);
}

export async function renderActivation(
  ctx: Context,
  deps: InteractionDeps,
  details: Details,
  opts: RenderOptions = {},
): Promise<void> {
  const accountId = details.session?.accountId;
  const clientId = String(details.params.client_id);
  const state = accountId ? await deps.serviceCatalog.activationFor(accountId, clientId) : undefined;
  const client = await clientInfo(deps, clientId);
  // no service behind the client any more (an admin unbound it): nothing to activate, continue
  const status = !state || state.activatedAt ? 'active' : state.available ? 'needed' : 'unavailable';
  const html = activationPage({
    locale: resolveLocale(ctx, details.params.ui_locales),
    action: `/interaction/${details.uid}/activation`,
    csrf: csrfToken(ctx),
    client,
    service: state?.service ?? {
      nameZh: client.name,
      nameEn: '',
      descriptionZh: '',
      descriptionEn: '',
      icon: 'app',
    },
    status,
    error: opts.error,
    langHrefs: langHrefs(ctx),
  });
  sendPage(ctx, html, opts.status ?? (opts.error ? 400 : 200));
}
