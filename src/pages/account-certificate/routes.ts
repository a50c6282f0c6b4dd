import type { Context } from 'koa';
import { accountCertificatePage } from '../../../views/pages/account-certificate.js';
import { csrfToken } from '../../interactions/csrf.js';
import { langHrefs, resolveLocale } from '../../interactions/locale.js';
import { certificateMethodErrors } from '../../interactions/methods/certificate/errors.js';
import { certificateFormSchema } from '../../interactions/methods/certificate/schema.js';
import { signatureOf } from '../../interactions/methods/certificate/verify.js';
import { sendScriptedPage } from '../../interactions/page.js';
import { sameName } from '../../services/certificates.js';
import { ACCOUNT_BASE, requireSignedInAccount, signedInAccount } from '../account-session.js';
import type { FormPage, FormState, PagesDeps } from '../deps.js';

const PAGE = `${ACCOUNT_BASE}/certificate`;
const NOTICES = { added: 'account_certificate.added', removed: 'account_certificate.removed' } as const;

/** The signed-in account; its card nonce is kept apart from its passkey challenges. */
async function signedIn(ctx: Context, deps: PagesDeps) {
  const who = await signedInAccount(ctx, deps);
  return who && { ...who, ceremony: `card:${who.ceremony}` };
}

async function requireSignedIn(ctx: Context, deps: PagesDeps) {
  const who = await requireSignedInAccount(ctx, deps);
  return { ...who, ceremony: `card:${who.ceremony}` };
}

async function render(ctx: Context, deps: PagesDeps, state: FormState) {
  const who = await signedIn(ctx, deps);
  if (!who) {
    deps.accountSessions.startLogin(ctx, PAGE);
    return;
  }
  const done = ctx.query.done;
  const html = accountCertificatePage({
    locale: resolveLocale(ctx),
    csrf: csrfToken(ctx),
    username: who.account.username,
    accountName: who.account.name ?? '',
    certificates: (await deps.certificates.list(who.account.id)).map((c) => ({
      id: c.id,
      name: c.data.name,
      issuer: c.data.issuer,
      serial: c.data.serial,
      idLastFour: c.data.idLastFour,
      notAfter: new Date(c.data.notAfter),
      lastUsedAt: c.lastUsedAt,
      nameDiffers: !sameName(c.data.name, who.account.name),
    })),
    base: PAGE,
    signerUrl: deps.config.card.signerUrl,
    nonce: await deps.certificates.issueBindingNonce(who.ceremony),
    notice:
      typeof done === 'string' && Object.hasOwn(NOTICES, done)
        ? NOTICES[done as keyof typeof NOTICES]
        : undefined,
    error: state.error,
    langHrefs: langHrefs(ctx),
  });
  sendScriptedPage(ctx, html, state.status ?? (state.error ? 400 : 200));
}

function backToPage(ctx: Context, done?: keyof typeof NOTICES) {
  ctx.status = 303;
  ctx.redirect(done ? `${PAGE}?done=${done}` : PAGE);
}

/** Empty hidden fields are absent answers, not malformed ones. */
function filled(body: unknown): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries((body ?? {}) as Record<string, unknown>).filter(([, v]) => v !== ''),
  );
}

const certificatePage: FormPage = {
  path: PAGE,
  render,
  async submit(ctx, deps) {
    const { account, ceremony } = await requireSignedIn(ctx, deps);
    const nonce = await deps.certificates.takeBindingNonce(ceremony);
    const parsed = certificateFormSchema.safeParse(filled(ctx.request.body));
    if (!parsed.success) throw certificateMethodErrors.invalid_input();
    const answer = signatureOf(parsed.data);
    if (!nonce) throw certificateMethodErrors.challenge_expired();
    const certificate = await deps.certificates.verify({ ...answer, nonce });
    await deps.certificates.bind(account.id, certificate);
    backToPage(ctx, 'added');
  },
};

const deletePage: FormPage = {
  path: `${PAGE}/:id/delete`,
  render,
  show: async (ctx) => backToPage(ctx),
  async submit(ctx, deps) {
    const { account } = await requireSignedIn(ctx, deps);
    await deps.certificates.remove(account.id, ctx.params.id ?? '');
    backToPage(ctx, 'removed');
  },
};

export const accountCertificatePages: readonly FormPage[] = [certificatePage, deletePage];
