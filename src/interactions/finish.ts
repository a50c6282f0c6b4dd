/**
 * The single exit of every login method (STYLE.md §2): finishLogin is the only caller of
 * provider.interactionResult with a login, and the only place a successful login is recorded.
 */
import type { Context } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { AppError } from '../errors.js';
import type { LoginRecorder } from '../services/login-records.js';
import type { InteractionDeps } from './deps.js';
import { enforceLoginPolicy } from './login-policy.js';
import { methodById } from './methods/index.js';
import type { MethodId } from './methods/types.js';
import { finishInteraction, interactionOf } from './pages.js';
import { PENDING_PASSWORD_CHANGE } from './state.js';
import { rememberDevice } from './trusted-device.js';

export interface FinishedLogin {
  accountId: string;
  method: MethodId;
  /** what the user typed, for the login record */
  username?: string | undefined;
}

/** Carried through the interaction result to the resume step, where the session id is known. */
interface LoginNote {
  method: MethodId;
  username?: string | undefined;
  ip: string;
  userAgent?: string | undefined;
  clientId?: string | undefined;
}

export async function finishLogin(ctx: Context, deps: InteractionDeps, login: FinishedLogin): Promise<void> {
  const interaction = await interactionOf(ctx, deps);
  const account = await deps.accounts.findById(login.accountId);
  if (!account) throw new AppError('password.invalid_credentials', 'password.invalid_credentials', 401);
  const method = methodById(login.method);
  if (!method) throw new Error(`unknown login method ${login.method}`);
  // the login policy (provider/policy.ts): the one place a rule refuses a method or an account
  await enforceLoginPolicy(ctx, deps, { accountId: account.id, method });
  // the account's credentials were just proven from this browser: the throttle trusts it from
  // now on (also when a password change still has to follow: the password was right)
  rememberDevice(ctx, deps.throttle, account.username);
  if (account.mustChangePassword) {
    // the login completes only after the new password is set (change-password/routes.ts)
    await deps.state.set(interaction.uid, PENDING_PASSWORD_CHANGE, { ...login }, interaction.exp);
    ctx.status = 303;
    ctx.redirect(`/interaction/${interaction.uid}/change-password`);
    return;
  }
  await completeLogin(ctx, deps, login);
}

export async function completeLogin(
  ctx: Context,
  deps: InteractionDeps,
  login: FinishedLogin,
): Promise<void> {
  const method = methodById(login.method);
  if (!method) throw new Error(`unknown login method ${login.method}`);
  const details = await interactionOf(ctx, deps);
  const note: LoginNote = {
    method: login.method,
    username: login.username,
    ip: ctx.ip,
    userAgent: ctx.get('user-agent') || undefined,
    clientId: typeof details.params.client_id === 'string' ? details.params.client_id : undefined,
  };
  const result = { accountId: login.accountId, amr: [...method.amr], acr: method.acr };
  await finishInteraction(ctx, deps, { login: result, edu_login: note }, false);
}

/**
 * Provider 'interaction.ended' hook: the login result has just been applied to a session, so
 * its id is known. Records the successful attempt and opens the session's history.
 */
export function recordResumedLogin(recorder: LoginRecorder, ctx: KoaContextWithOIDC): void {
  const result = ctx.oidc.result as { login?: { accountId: string }; edu_login?: LoginNote } | undefined;
  const session = ctx.oidc.session;
  if (!result?.login || !result.edu_login || !session) return;
  const note = result.edu_login;
  recorder.recordAttempt({
    accountId: result.login.accountId,
    username: note.username,
    clientId: note.clientId,
    method: note.method,
    success: true,
    ip: note.ip,
    userAgent: note.userAgent,
    sessionId: session.uid,
  });
  recorder.recordSessionEvent({
    sessionId: session.uid,
    accountId: result.login.accountId,
    type: 'login',
    clientId: note.clientId,
    detail: note.method,
  });
}
