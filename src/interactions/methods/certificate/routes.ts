/**
 * 自然人憑證 login (HiPKI local signer, reference §9–§10):
 *
 *   GET  /interaction/:uid/certificate            the page, with a fresh nonce for the card
 *   POST /interaction/:uid/certificate            the signer's answer (hidden fields filled by
 *                                                 /static/hipki.js) → verify → finishLogin, or the
 *                                                 renewal notice first when the certificate
 *                                                 expires within CARD_RENEWAL_NOTICE_DAYS
 *   POST /interaction/:uid/certificate/continue   past the renewal notice → finishLogin
 *
 * A failed attempt comes back to this page with its message (router's error boundary and
 * LoginMethod.render) and a new nonce.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { certificateLoginPage, certificateRenewalPage } from '../../../../views/methods/certificate.js';
import {
  CERTIFICATE_NONCE_SECONDS,
  isRenewalDue,
  newCertificateNonce,
} from '../../../services/certificates.js';
import { csrfToken } from '../../csrf.js';
import type { InteractionDeps } from '../../deps.js';
import { finishLogin } from '../../finish.js';
import { langHrefs, resolveLocale } from '../../locale.js';
import { sendPage, sendScriptedPage } from '../../page.js';
import { clientInfo, interactionOf, type RenderOptions, renderInteraction } from '../../pages.js';
import { certificateMethodErrors } from './errors.js';
import { certificateFormSchema } from './schema.js';
import { CERTIFICATE_NONCE, CERTIFICATE_RENEWAL, verifyCertificateLogin } from './verify.js';

/** The method's page (LoginMethod.render): every rendering holds a new nonce. */
export async function renderCertificatePage(ctx: Context, deps: InteractionDeps, opts: RenderOptions) {
  const details = await interactionOf(ctx, deps);
  const uid = details.uid;
  const nonce = newCertificateNonce();
  const expiresAt = Math.min(details.exp, Math.floor(Date.now() / 1000) + CERTIFICATE_NONCE_SECONDS);
  await deps.state.set(uid, CERTIFICATE_NONCE, { nonce }, expiresAt);
  const html = certificateLoginPage({
    locale: resolveLocale(ctx, details.params.ui_locales),
    csrf: csrfToken(ctx),
    langHrefs: langHrefs(ctx),
    client: await clientInfo(deps, details.params.client_id),
    action: `/interaction/${uid}/certificate`,
    signerUrl: deps.config.card.signerUrl,
    nonce,
    backHref: `/interaction/${uid}`,
    ...(opts.error ? { error: opts.error } : {}),
  });
  sendScriptedPage(ctx, html, opts.status ?? (opts.error ? 400 : 200));
}

/** Empty hidden fields are absent answers, not malformed ones. */
function filled(body: unknown): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries((body ?? {}) as Record<string, unknown>).filter(([, v]) => v !== ''),
  );
}

export function mountCertificateRoutes(router: Router, deps: InteractionDeps): void {
  router.get('/interaction/:uid/certificate', (ctx) =>
    renderInteraction(ctx, deps, { method: 'certificate' }),
  );

  router.post('/interaction/:uid/certificate', async (ctx) => {
    // the error middleware records the failure and brings this page back with the message
    ctx.state.attempt = { method: 'certificate' };
    const details = await interactionOf(ctx, deps);
    const parsed = certificateFormSchema.safeParse(filled(ctx.request.body));
    if (!parsed.success) throw certificateMethodErrors.invalid_input();
    const { accountId, certificate } = await verifyCertificateLogin(deps, details.uid, parsed.data);
    if (!isRenewalDue(certificate.notAfter, deps.certificates.renewalDays)) {
      await finishLogin(ctx, deps, { accountId, method: 'certificate' });
      return;
    }
    const notAfter = certificate.notAfter.toISOString();
    await deps.state.set(details.uid, CERTIFICATE_RENEWAL, { accountId, notAfter }, details.exp);
    const html = certificateRenewalPage({
      locale: resolveLocale(ctx, details.params.ui_locales),
      csrf: csrfToken(ctx),
      action: `/interaction/${details.uid}/certificate/continue`,
      notAfter: certificate.notAfter,
    });
    sendPage(ctx, html);
  });

  router.post('/interaction/:uid/certificate/continue', async (ctx) => {
    ctx.state.attempt = { method: 'certificate' };
    const details = await interactionOf(ctx, deps);
    const pending = await deps.state.get<{ accountId: string }>(details.uid, CERTIFICATE_RENEWAL);
    await deps.state.delete(details.uid, CERTIFICATE_RENEWAL);
    if (!pending) throw certificateMethodErrors.challenge_expired();
    await finishLogin(ctx, deps, { accountId: pending.accountId, method: 'certificate' });
  });
}
