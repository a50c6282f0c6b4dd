import type { InteractionDeps } from '../../deps.js';
import { passkeyErrors } from './errors.js';
import type { PasskeyAssertion } from './schema.js';

/** Key of the login challenge in the interaction's state (state.ts). */
export const PASSKEY_CHALLENGE = 'passkey_challenge';

/**
 * Checks the assertion against the challenge this interaction was given (single use: taken
 * before verification, so neither a failed nor a replayed assertion can use it again).
 * @returns the account id and username of the passkey's owner
 * @throws passkey.challenge_expired | unknown_credential | verification_failed |
 *         counter_regressed, password.account_disabled
 */
export async function verifyPasskey(
  deps: Pick<InteractionDeps, 'state' | 'passkeys'>,
  uid: string,
  assertion: PasskeyAssertion,
): Promise<{ accountId: string; username: string }> {
  const pending = await deps.state.get<{ challenge: string }>(uid, PASSKEY_CHALLENGE);
  await deps.state.delete(uid, PASSKEY_CHALLENGE);
  if (typeof pending?.challenge !== 'string') throw passkeyErrors.challenge_expired();
  const { accountId, username } = await deps.passkeys.authenticate(assertion, pending.challenge);
  return { accountId, username };
}
