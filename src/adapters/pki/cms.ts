/**
 * The card's answer to a sign request (reference §9.3, signatureType PKCS7): a CMS SignedData
 * (RFC 5652) over our nonce. verifySignedNonce checks that the signed content is our nonce
 * (encapsulated, or detached with the nonce as the external content), that the signer's
 * signature verifies with the signer certificate's key, and returns that certificate plus
 * any other certificates the SignedData carries (possible intermediates for the chain).
 */
import * as pkijs from 'pkijs';
import type { Certificate } from './x509.js';

const SIGNED_DATA = '1.2.840.113549.1.7.2';
// SHA-1 is not accepted for a fresh login signature; the signer is asked for SHA256
const DIGESTS = new Set(['2.16.840.1.101.3.4.2.1', '2.16.840.1.101.3.4.2.2', '2.16.840.1.101.3.4.2.3']);

export type CmsFailure = 'malformed' | 'content_mismatch' | 'bad_signature';

export class CmsError extends Error {
  constructor(
    readonly reason: CmsFailure,
    detail: string,
  ) {
    super(detail);
    this.name = 'CmsError';
  }
}

export interface SignedNonce {
  signer: Certificate;
  /** every certificate in the SignedData (the signer's included) */
  certificates: Certificate[];
}

function decodeBase64(value: string): Uint8Array {
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]+=*$/.test(compact)) throw new CmsError('malformed', 'signature is not base64');
  return new Uint8Array(
    Buffer.from(compact, compact.includes('-') || compact.includes('_') ? 'base64url' : 'base64'),
  );
}

function parseSignedData(der: Uint8Array): pkijs.SignedData {
  try {
    const info = pkijs.ContentInfo.fromBER(der);
    if (info.contentType !== SIGNED_DATA) throw new Error(`content type ${info.contentType}`);
    return new pkijs.SignedData({ schema: info.content });
  } catch (err) {
    throw new CmsError('malformed', `not a CMS SignedData: ${(err as Error).message}`);
  }
}

function encapsulatedContent(signed: pkijs.SignedData): Uint8Array | undefined {
  const content = signed.encapContentInfo.eContent;
  if (!content) return undefined;
  return new Uint8Array(content.getValue());
}

/**
 * @param signature base64 of the DER SignedData (the signer's `signature` field)
 * @param expected the bytes that must have been signed (our nonce as sent in `tbs`)
 * @param certificate the signer's `certb64`, used when the SignedData carries no certificates
 * @throws CmsError
 */
export async function verifySignedNonce(
  signature: string,
  expected: Uint8Array,
  certificate?: Certificate,
): Promise<SignedNonce> {
  const signed = parseSignedData(decodeBase64(signature));
  if (signed.signerInfos.length !== 1) {
    throw new CmsError('malformed', `expected one signer, found ${signed.signerInfos.length}`);
  }
  const digest = signed.signerInfos[0]!.digestAlgorithm.algorithmId;
  if (!DIGESTS.has(digest)) throw new CmsError('bad_signature', `digest algorithm ${digest} not accepted`);
  const certificates = (signed.certificates ?? []).filter(
    (c): c is pkijs.Certificate => c instanceof pkijs.Certificate,
  );
  if (certificates.length === 0 && certificate) {
    certificates.push(certificate);
    signed.certificates = certificates;
  }

  const content = encapsulatedContent(signed);
  if (content && !Buffer.from(content).equals(Buffer.from(expected))) {
    throw new CmsError('content_mismatch', 'the signed content is not our nonce');
  }
  let result: { signatureVerified?: boolean | null; signerCertificate?: pkijs.Certificate | null };
  try {
    result = await signed.verify({
      signer: 0,
      // detached: the signature must cover our nonce as the external content
      data: content ? new ArrayBuffer(0) : new Uint8Array(expected).buffer,
      extendedMode: true,
    });
  } catch (err) {
    const code = (err as { code?: number }).code;
    // pkijs code 3: no certificate for the signer identifier
    if (code === 3 || code === 2) throw new CmsError('malformed', (err as Error).message);
    // a message digest over other content than ours, or a broken signature value
    throw new CmsError(content ? 'bad_signature' : 'content_mismatch', (err as Error).message);
  }
  if (result.signatureVerified !== true || !result.signerCertificate) {
    throw new CmsError('bad_signature', 'the signature does not verify with the signer certificate');
  }
  return { signer: result.signerCertificate, certificates };
}

/** The certificate the signer reported (`certb64`), if it parses. */
export function parseCertificateB64(value: string | undefined): Certificate | undefined {
  if (!value) return undefined;
  try {
    return pkijs.Certificate.fromBER(decodeBase64(value));
  } catch {
    return undefined;
  }
}
