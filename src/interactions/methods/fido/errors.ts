import { defineErrors } from '../../../errors.js';

/**
 * The method's own codes; the service's (fido.denied, fido.timed_out, fido.not_registered,
 * fido.no_device, …) are in adapters/twfido/errors.ts and services/twfido-login.ts.
 */
export const fidoMethodErrors = defineErrors('fido', {
  /** no login under way for this interaction: it ended, expired, or was never started */
  restart: { message: 'fido.restart' },
  invalid_input: { message: 'input.invalid' },
  /** a bound account that is disabled: only the phone's owner learns it */
  account_disabled: { status: 403, message: 'password.account_disabled' },
});
