import { isAppError } from '../../../errors.js';
import { normalizeUsername } from '../../../services/accounts.js';
import type { InteractionDeps } from '../../deps.js';
import type { PassOneLoginInput } from './schema.js';

/**
 * Checks a pass code under the brute-force throttle (kind pass_one, per username and per
 * address) and consumes it; the account must then set a new password (finish.ts).
 * @returns the account id
 * @throws rate_limit.exceeded, pass_one.ip_not_allowed, pass_one.invalid_code, pass_one.expired,
 *         pass_one.used, pass_one.revoked
 */
export async function verifyPassOne(
  deps: Pick<InteractionDeps, 'passOne' | 'throttle'>,
  input: PassOneLoginInput & { ip: string },
): Promise<string> {
  const key = { account: normalizeUsername(input.username), ip: input.ip };
  await deps.throttle.guard('pass_one', key);
  try {
    const account = await deps.passOne.redeem(input);
    await deps.throttle.succeeded('pass_one', key);
    return account.id;
  } catch (err) {
    // a refused address is not a guess; every wrong, used or expired code is
    if (isAppError(err) && err.code !== 'pass_one.ip_not_allowed')
      await deps.throttle.failed('pass_one', key);
    throw err;
  }
}
