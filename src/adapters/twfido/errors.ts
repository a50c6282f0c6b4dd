/**
 * TW FidO error codes (reference §8.2, table 5-1-1, FOUND) and what edu-idp makes of them.
 * The service answers `<interface id>-<system code>`, e.g. SP-API-ATH-01-INV_SP_CHECKSUM;
 * the system code alone decides. The handling (which message the user sees) is INFERRED.
 */
import { defineErrors } from '../../errors.js';
import { nationalIdErrors } from '../../services/national-id.js';

export const twFidoErrors = defineErrors('fido', {
  /** IDNUM_USERPROF_NF [1051]: no 行動自然人憑證 for this ID: apply at fido.moi.gov.tw */
  not_registered: { message: 'fido.not_registered' },
  /** IDNUM_DEVPROF_NF [1053]: no registered phone (the app needs biometrics: seeds FAQ 3, 7, 12) */
  no_device: { message: 'fido.no_device' },
  /** SPTKT_OVD [1101], or our own deadline passed */
  timed_out: { message: 'fido.timed_out' },
  /** SPTKTID_SPTKT_RDM [1103]: the result was already collected */
  ticket_used: { message: 'fido.ticket_used' },
  /** APP_USER_CANCEL [9015] */
  denied: { message: 'fido.denied' },
  /** APP_SIGN_FAILURE [9014] */
  sign_failed: { message: 'fido.sign_failed' },
  /** PS_FCM_NOT_FOUND [3111]: the phone's push registration is stale: scan the QR code instead */
  push_unavailable: { message: 'fido.push_unavailable' },
  /** a bad sp/idp checksum, a reused transaction_id, an unknown code, or no answer at all */
  service_error: { status: 502, message: 'fido.service_error' },
  /** the signature over our TBS does not verify */
  signature_invalid: { status: 401, message: 'fido.signature_invalid' },
  /** the certificate is not from a trusted CA, not valid now, or not this person's */
  certificate_invalid: { status: 401, message: 'fido.certificate_invalid' },
});

/** The system code of `SP-API-ATH-01-INV_SP_CHECKSUM` (INV_SP_CHECKSUM); the code itself otherwise. */
export function systemCodeOf(errorCode: string): string {
  return errorCode.replace(/^(?:SP-API-[A-Z]+-\d+|APP-API-\d+)-/, '');
}

/** "Not ready yet, poll again" (SPTKTID_TXNLOG_NF [9007]) is a state, not an error. */
export const NOT_READY = 'SPTKTID_TXNLOG_NF';

/** The AppError for a non-zero error_code of the service. */
export function errorFor(errorCode: string) {
  switch (systemCodeOf(errorCode)) {
    case 'IDNUM_USERPROF_NF':
      return twFidoErrors.not_registered();
    case 'IDNUM_DEVPROF_NF':
      return twFidoErrors.no_device();
    case 'SPTKT_OVD':
      return twFidoErrors.timed_out();
    case 'SPTKTID_SPTKT_RDM':
      return twFidoErrors.ticket_used();
    case 'APP_USER_CANCEL':
      return twFidoErrors.denied();
    case 'APP_SIGN_FAILURE':
      return twFidoErrors.sign_failed();
    case 'PS_FCM_NOT_FOUND':
      return twFidoErrors.push_unavailable();
    case 'PM_IDN_FT_ERR':
      return nationalIdErrors.invalid();
    default:
      // INV_SP_CHECKSUM, TXNLOG_INS_ERR and anything new: our side or theirs, not the user's
      return twFidoErrors.service_error(`TW FidO answered ${errorCode}`);
  }
}
