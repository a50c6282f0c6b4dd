/**
 * The login policy at the hosted pages (issue 4): which methods the login page offers during
 * a step-up, and the one check finishLogin makes before an interaction result is written.
 * The rules themselves are provider/policy.ts; the provider's 'edu_step_up' check asks for
 * the step-up (provider/configuration.ts).
 */
import type { Context } from 'koa';
import { defineErrors } from '../errors.js';
import { STEP_UP_REASON } from '../provider/configuration.js';
import { type LoginPolicy, meetsAcr } from '../provider/policy.js';
import type { InteractionDeps } from './deps.js';
import type { LoginMethod } from './methods/types.js';
import { interactionOf } from './pages.js';

export const stepUpErrors = defineErrors('step_up', {
  method_not_allowed: { status: 403, message: 'step_up.method_not_allowed' },
  too_weak: { status: 403, message: 'step_up.too_weak' },
  other_account: { status: 403, message: 'step_up.other_account' },
});

type Details = Awaited<ReturnType<typeof interactionOf>>;

export interface LoginGate {
  policy: LoginPolicy;
  /** the interaction asks for a stronger method than the session's (the 'edu_step_up' check) */
  stepUp: boolean;
  /** the account already signed in to this session, which a step-up must confirm */
  sessionAccountId: string | undefined;
}

export const isStepUp = (details: Details) => details.prompt.reasons.includes(STEP_UP_REASON);

/** The policy of this interaction's client for an account. */
export async function policyFor(deps: InteractionDeps, details: Details, accountId: string) {
  const clientId = String(details.params.client_id ?? '');
  const client = await deps.provider().Client.find(clientId);
  return deps.loginPolicy({
    clientId,
    client: client?.metadata() ?? {},
    accountId,
    acrValues: typeof details.params.acr_values === 'string' ? details.params.acr_values : undefined,
  });
}

/** The policy of the session's account, when the session has one (a step-up, prompt=login). */
export async function loginGate(deps: InteractionDeps, details: Details): Promise<LoginGate | undefined> {
  const sessionAccountId = details.session?.accountId;
  if (!sessionAccountId) return undefined;
  return {
    policy: await policyFor(deps, details, sessionAccountId),
    stepUp: isStepUp(details),
    sessionAccountId,
  };
}

/** Whether the login page may offer the method under this gate. */
export function isOffered(gate: LoginGate | undefined, method: LoginMethod): boolean {
  if (!gate) return true;
  const { allowedMethods, requiredAcr } = gate.policy;
  if (allowedMethods.length > 0 && !allowedMethods.includes(method.id)) return false;
  return !gate.stepUp || meetsAcr(method.acr, requiredAcr);
}

/**
 * finishLogin's check, before the interaction result is written: the method is allowed for
 * the account at this client, and during a step-up the login is by the session's own account
 * with a method strong enough. A method weaker than required outside a step-up is let
 * through: the session then exists, and the provider asks for the step-up.
 * @throws step_up.method_not_allowed, step_up.other_account, step_up.too_weak
 */
export async function enforceLoginPolicy(
  ctx: Context,
  deps: InteractionDeps,
  login: { accountId: string; method: LoginMethod },
): Promise<void> {
  const details = await interactionOf(ctx, deps);
  const policy = await policyFor(deps, details, login.accountId);
  if (policy.allowedMethods.length > 0 && !policy.allowedMethods.includes(login.method.id)) {
    throw stepUpErrors.method_not_allowed();
  }
  if (!isStepUp(details)) return;
  if (details.session?.accountId && details.session.accountId !== login.accountId) {
    throw stepUpErrors.other_account();
  }
  if (!meetsAcr(login.method.acr, policy.requiredAcr)) throw stepUpErrors.too_weak();
}
