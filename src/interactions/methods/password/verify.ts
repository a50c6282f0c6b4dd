import type { AccountService } from '../../../services/accounts.js';
import type { PasswordLoginInput } from './schema.js';

/**
 * @returns the account id
 * @throws password.invalid_credentials (unknown user or wrong password, same message and time),
 *         password.account_disabled
 */
export async function verifyPassword(accounts: AccountService, input: PasswordLoginInput): Promise<string> {
  const account = await accounts.authenticatePassword(input.username, input.password);
  return account.id;
}
