import { accountErrors } from '../../../services/accounts.js';
import type { VerifiedCertificate } from '../../../services/certificates.js';
import type { InteractionDeps } from '../../deps.js';
import { certificateMethodErrors, signerError } from './errors.js';
import type { CertificateForm } from './schema.js';

/** The nonce of the card page, by interaction uid: one per rendered page, used once. */
export const CERTIFICATE_NONCE = 'certificate_nonce';
/** A verified login held back for the renewal notice (routes.ts). */
export const CERTIFICATE_RENEWAL = 'certificate_renewal';

/**
 * What the signer (or the page's script) answered: the signature to verify.
 * @throws the certificate.* code of the signer's or the script's failure; needs_signer when
 *         the form came without any answer (no JavaScript)
 */
export function signatureOf(form: CertificateForm): { signature: string; certificate: string | undefined } {
  if (form.client_error) throw certificateMethodErrors[form.client_error]();
  const failed = signerError(form.ret_code ?? 0, form.last_error ?? 0);
  if (failed) throw failed;
  if (!form.signature) throw certificateMethodErrors.needs_signer();
  return { signature: form.signature, certificate: form.certificate };
}

/**
 * Takes the page's nonce (whatever the outcome: a failed attempt's page gets a new one),
 * verifies the signature over it and finds the bound account.
 * @returns the account id and the certificate (for the renewal notice)
 * @throws certificate.* (signer, verification, not_registered), password.account_disabled
 */
export async function verifyCertificateLogin(
  deps: InteractionDeps,
  uid: string,
  form: CertificateForm,
): Promise<{ accountId: string; certificate: VerifiedCertificate }> {
  const stored = await deps.state.get<{ nonce: string }>(uid, CERTIFICATE_NONCE);
  await deps.state.delete(uid, CERTIFICATE_NONCE);
  const answer = signatureOf(form);
  if (!stored) throw certificateMethodErrors.challenge_expired();
  const certificate = await deps.certificates.verify({ ...answer, nonce: stored.nonce });
  const accountId = await deps.certificates.findAccountId(certificate);
  const account = await deps.accounts.findById(accountId);
  if (account?.status !== 'active') throw accountErrors.account_disabled();
  return { accountId, certificate };
}
