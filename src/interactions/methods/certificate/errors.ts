/**
 * Codes of the card login page: what the local signer reported (reference §9.3, its ret_code
 * and last_error), what the page's script found (no signer answering, a blocked popup), and the
 * form itself. The server's verification codes are in services/certificates.ts.
 */
import { defineErrors } from '../../../errors.js';

export const certificateMethodErrors = defineErrors('certificate', {
  invalid_input: { message: 'certificate.invalid_input' },
  /** the form came without a signature: JavaScript is off, or the page was bypassed */
  needs_signer: { message: 'certificate.needs_signer' },
  no_signer: { message: 'certificate.no_signer' },
  popup_blocked: { message: 'certificate.popup_blocked' },
  no_card: { message: 'certificate.no_card' },
  no_reader: { message: 'certificate.no_reader' },
  pin_required: { message: 'certificate.pin_required' },
  wrong_pin: { status: 401, message: 'certificate.wrong_pin' },
  wrong_pin_2_left: { status: 401, message: 'certificate.wrong_pin_2_left' },
  wrong_pin_1_left: { status: 401, message: 'certificate.wrong_pin_1_left' },
  pin_length: { message: 'certificate.pin_length' },
  card_locked: { status: 401, message: 'certificate.card_locked' },
  cancelled: { message: 'certificate.cancelled' },
  domain_not_allowed: { message: 'certificate.domain_not_allowed' },
  expired: { message: 'certificate.expired' },
  not_yet_valid: { message: 'certificate.not_yet_valid' },
  signer_failed: { message: 'certificate.signer_failed' },
  /** the nonce is gone: used already (a replayed form) or past its lifetime */
  challenge_expired: { message: 'certificate.challenge_expired' },
});

type MethodError = keyof typeof certificateMethodErrors;

// §9.3 ret_code (read as unsigned 32 bits)
const RET_CODES: Readonly<Record<number, MethodError>> = {
  1979711494: 'no_card',
  1979713944: 'pin_required',
  1979713945: 'cancelled',
  1979711503: 'domain_not_allowed',
  1980760067: 'no_reader',
  1984954369: 'not_yet_valid',
  1984954370: 'expired',
};

// §9.3 last_error of a failed card login (ret_code 0x76100006)
const LAST_ERRORS: Readonly<Record<number, MethodError>> = {
  160: 'wrong_pin',
  162: 'pin_length',
  164: 'card_locked',
  2147483649: 'wrong_pin_1_left',
  2147483650: 'wrong_pin_2_left',
};

const CARD_LOGIN_FAILED = 0x76100006;

/** The error for a signer result that is not a success; undefined for ret_code 0. */
export function signerError(
  retCode: number,
  lastError: number,
): ReturnType<(typeof certificateMethodErrors)[MethodError]> | undefined {
  const ret = retCode >>> 0;
  if (ret === 0) return undefined;
  const name =
    ret === CARD_LOGIN_FAILED
      ? (LAST_ERRORS[lastError >>> 0] ?? 'wrong_pin')
      : (RET_CODES[ret] ?? 'signer_failed');
  return certificateMethodErrors[name]();
}
