import { defineErrors } from '../../../errors.js';

/** Errors of the passOne form itself; the code checks are the service's (pass_one.* in services/pass-one.ts). */
export const passOneMethodErrors = defineErrors('pass_one', {
  invalid_input: { message: 'pass_one.invalid_code' },
});
