import { defineErrors } from '../../../errors.js';

export const passwordMethodErrors = defineErrors('password', {
  invalid_input: { message: 'password.invalid_credentials' },
});
