import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Context } from 'koa';
import { z } from 'zod';
import { errorPage } from '../../../views/error.js';
import { accountPasskeysPage } from '../../../views/pages/account-passkeys.js';
import { AppError } from '../../errors.js';
import { csrfToken } from '../../interactions/csrf.js';
import { langHrefs, resolveLocale } from '../../interactions/locale.js';
import { jsonField } from '../../interactions/methods/passkey/schema.js';
import { sendPage, sendScriptedPage } from '../../interactions/page.js';
import { ACCOUNT_BASE, requireSignedInAccount, signedInAccount } from '../account-session.js';
import type { FormPage, FormState, PagesDeps } from '../deps.js';

const PASSKEYS = `${ACCOUNT_BASE}/passkeys`;
const NOTICES = {
  added: 'account_passkeys.added',
  renamed: 'account_passkeys.renamed',
  deleted: 'account_passkeys.deleted',
} as const;

const nameSchema = z.object({ name: z.string().max(1024) });
const registerSchema = z.object({
  name: z.string().max(1024),
  response: jsonField(65_536).pipe(
    z.looseObject({
      id: z.string().min(1).max(1366),
      rawId: z.string().min(1).max(1366),
      type: z.literal('public-key'),
      response: z.looseObject({ clientDataJSON: z.string(), attestationObject: z.string() }),
    }),
  ),
});

const signedIn = signedInAccount;
const requireSignedIn = requireSignedInAccount;

async function renderList(ctx: Context, deps: PagesDeps, state: FormState) {
  const who = await signedIn(ctx, deps);
  if (!who) {
    deps.accountSessions.startLogin(ctx, PASSKEYS);
    return;
  }
  const input = state.input ?? {};
  const typed = typeof input.name === 'string' ? input.name : undefined;
  const renamingId = state.error && ctx.path.endsWith('/rename') ? ctx.params.id : undefined;
  const done = ctx.query.done;
  const html = accountPasskeysPage({
    locale: resolveLocale(ctx),
    csrf: csrfToken(ctx),
    username: who.account.username,
    passkeys: (await deps.passkeys.list(who.account.id)).map((k) => ({
      id: k.id,
      name: k.name,
      synced: k.backedUp,
      createdAt: k.createdAt,
      lastUsedAt: k.lastUsedAt,
    })),
    base: PASSKEYS,
    optionsUrl: `${PASSKEYS}/options`,
    notice:
      typeof done === 'string' && Object.hasOwn(NOTICES, done)
        ? NOTICES[done as keyof typeof NOTICES]
        : undefined,
    error: state.error,
    name: renamingId ? undefined : typed,
    renaming: renamingId ? { id: renamingId, name: typed ?? '' } : undefined,
    langHrefs: langHrefs(ctx),
  });
  sendScriptedPage(ctx, html, state.status ?? (state.error ? 400 : 200));
}

function backToList(ctx: Context, done?: keyof typeof NOTICES) {
  ctx.status = 303;
  ctx.redirect(done ? `${PASSKEYS}?done=${done}` : PASSKEYS);
}

const listPage: FormPage = {
  path: PASSKEYS,
  render: renderList,
  async submit(ctx, deps) {
    const { account, ceremony } = await requireSignedIn(ctx, deps);
    const parsed = registerSchema.safeParse(ctx.request.body);
    if (!parsed.success) throw new AppError('passkey.invalid_response', 'passkey.invalid_response');
    const response = parsed.data.response as unknown as RegistrationResponseJSON;
    await deps.passkeys.register(account.id, ceremony, response, parsed.data.name);
    backToList(ctx, 'added');
  },
};

const callbackPage: FormPage = {
  path: `${ACCOUNT_BASE}/callback`,
  async render(ctx) {
    // the user cancelled the sign-in, or the OP refused it: say so (the error page)
    sendPage(ctx, errorPage({ locale: resolveLocale(ctx), error: 'account_passkeys.login_failed' }), 400);
  },
  async show(ctx, deps) {
    if (typeof ctx.query.error === 'string') return callbackPage.render(ctx, deps, {});
    ctx.redirect(await deps.accountSessions.finishLogin(ctx, deps.holder.current()));
  },
};

const optionsPage: FormPage = {
  path: `${PASSKEYS}/options`,
  render: async (ctx) => backToList(ctx),
  async show(ctx, deps) {
    const { account, ceremony } = await requireSignedIn(ctx, deps);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await deps.passkeys.registrationOptions(account, ceremony);
  },
};

const renamePage: FormPage = {
  path: `${PASSKEYS}/:id/rename`,
  render: renderList,
  show: async (ctx) => backToList(ctx),
  async submit(ctx, deps) {
    const { account } = await requireSignedIn(ctx, deps);
    const parsed = nameSchema.safeParse(ctx.request.body);
    if (!parsed.success) throw new AppError('passkey.invalid_name', 'passkey.invalid_name');
    await deps.passkeys.rename(account.id, ctx.params.id ?? '', parsed.data.name);
    backToList(ctx, 'renamed');
  },
};

const deletePage: FormPage = {
  path: `${PASSKEYS}/:id/delete`,
  render: renderList,
  show: async (ctx) => backToList(ctx),
  async submit(ctx, deps) {
    const { account } = await requireSignedIn(ctx, deps);
    await deps.passkeys.remove(account.id, ctx.params.id ?? '');
    backToList(ctx, 'deleted');
  },
};

export const accountPasskeyPages: readonly FormPage[] = [
  callbackPage,
  listPage,
  optionsPage,
  renamePage,
  deletePage,
];
