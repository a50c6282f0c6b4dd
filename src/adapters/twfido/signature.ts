/**
 * Verifying a TW FidO login (reference §8.4, §10): the phone signs edu-idp's own one-time TBS
 * with the holder's MOICA key; the answer carries the signature (signed_response) and the
 * holder's certificate (cert).
 *
 * * Sign type: PKCS#1 (the reference lists PKCS#1, PKCS#7 and RAW). A PKCS#1 signature is
 *   verified against the TBS and the certificate's key with no CMS parsing, and the
 *   certificate comes in `cert` anyway. signed_response and cert are base64 (cert: DER, or
 *   PEM): INFERRED from the card signer (§9.3), which answers the same way.
 * * Chain: cert must be issued and signed by one of the configured trust anchors
 *   (TWFIDO_TRUST_ANCHORS: MOICA G3 in production, §10.3; any certificate listed there is
 *   trusted as an issuer), and both must be valid now; the anchor must be a CA.
 * * The holder's certificate: not a CA, key usage with digitalSignature (§9.3: the login
 *   certificate), and Subject Directory Attributes (2.5.29.9) attribute 2.16.886.1.100.2.51 =
 *   the last 4 digits of the national ID (§10.2, FOUND; fallback extension 2.16.886.1.100.1.1)
 *   equal to those the user typed.
 * Revocation (OCSP/CRL, §10.3) is not checked here: the service only signs with registered,
 * current certificates (INFERRED); the card method's OCSP checker can be added in one place.
 *
 * @throws fido.signature_invalid, fido.certificate_invalid
 */
import { verify as verifySignature, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { twFidoErrors } from './errors.js';

const OID_KEY_USAGE = '2.5.29.15';
const OID_SUBJECT_DIRECTORY_ATTRIBUTES = '2.5.29.9';
const OID_ID_LAST4 = '2.16.886.1.100.2.51';
const OID_ID_LAST4_FALLBACK = '2.16.886.1.100.1.1';

export interface VerifiedHolder {
  /** hex, upper case */
  serial: string;
  issuer: string;
  subject: string;
  /** the holder's name (subject CN) */
  commonName: string | undefined;
  notAfter: Date;
  /** last 4 digits of the national ID, from the certificate */
  last4: string;
}

export interface SignedLogin {
  /** what we asked the phone to sign (tbs_encoding NONE, UTF-8) */
  tbs: string;
  signedResponse: string;
  cert: string;
  /** the last 4 characters of the national ID the user typed */
  expectedLast4: string;
}

/** Every certificate in the PEM texts (a file may hold a bundle). */
export function parseTrustAnchors(pems: readonly string[]): X509Certificate[] {
  const blocks = pems.flatMap(
    (p) => p.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [],
  );
  return blocks.map((b) => new X509Certificate(b));
}

function decodeCertificate(text: string): X509Certificate {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) return new X509Certificate(trimmed);
  return new X509Certificate(Buffer.from(trimmed.replace(/\s+/g, ''), 'base64'));
}

const isValidAt = (cert: X509Certificate, now: Date) =>
  new Date(cert.validFrom) <= now && now <= new Date(cert.validTo);

/** The string inside a DER-encoded directory string (PrintableString, UTF8String, IA5String…). */
function derString(der: ArrayBuffer | Uint8Array): string | undefined {
  const parsed = asn1js.fromBER(der instanceof Uint8Array ? der : new Uint8Array(der));
  if (parsed.offset === -1) return undefined;
  const block = parsed.result.valueBlock as { value?: unknown };
  return typeof block.value === 'string' ? block.value : undefined;
}

interface HolderExtensions {
  digitalSignature: boolean;
  last4: string | undefined;
}

function holderExtensions(cert: X509Certificate): HolderExtensions {
  const parsed = pkijs.Certificate.fromBER(cert.raw);
  const ext = (oid: string) =>
    parsed.extensions?.find((e) => e.extnID === oid)?.extnValue.valueBlock.valueHexView;
  let digitalSignature = false;
  const ku = ext(OID_KEY_USAGE);
  if (ku) {
    const bits = asn1js.fromBER(ku).result as asn1js.BitString;
    // bit 0 of the first content byte (after the unused-bits octet) is digitalSignature
    digitalSignature = ((bits.valueBlock.valueHexView[0] ?? 0) & 0x80) !== 0;
  }
  let last4: string | undefined;
  const sda = ext(OID_SUBJECT_DIRECTORY_ATTRIBUTES);
  if (sda) {
    const seq = asn1js.fromBER(sda).result as asn1js.Sequence;
    for (const attr of seq.valueBlock.value as asn1js.Sequence[]) {
      const [type, values] = attr.valueBlock.value as [asn1js.ObjectIdentifier, asn1js.Set];
      if (type?.valueBlock.toString() !== OID_ID_LAST4) continue;
      const first = values?.valueBlock.value[0];
      if (first) last4 = derString(first.toBER());
    }
  }
  if (last4 === undefined) {
    const fallback = ext(OID_ID_LAST4_FALLBACK);
    if (fallback) last4 = derString(fallback);
  }
  return { digitalSignature, last4: last4?.trim() };
}

function commonNameOf(subject: string): string | undefined {
  return /(?:^|\n)CN=([^\n]+)/.exec(subject)?.[1];
}

/**
 * Checks the signature over our TBS, the chain to a trust anchor, validity, key usage and the
 * holder's last 4 ID digits.
 */
export function verifySignedLogin(
  login: SignedLogin,
  anchors: readonly X509Certificate[],
  now = new Date(),
): VerifiedHolder {
  let cert: X509Certificate;
  try {
    cert = decodeCertificate(login.cert);
  } catch {
    throw twFidoErrors.certificate_invalid('cert is not a certificate');
  }
  const issuer = anchors.find((a) => cert.checkIssued(a) && a.ca && cert.verify(a.publicKey));
  if (!issuer) throw twFidoErrors.certificate_invalid('not issued by a trusted CA');
  if (!isValidAt(issuer, now)) throw twFidoErrors.certificate_invalid('issuing CA not valid now');
  if (!isValidAt(cert, now)) throw twFidoErrors.certificate_invalid('certificate not valid now');
  if (cert.ca) throw twFidoErrors.certificate_invalid('a CA certificate cannot log in');
  let ext: HolderExtensions;
  try {
    ext = holderExtensions(cert);
  } catch {
    throw twFidoErrors.certificate_invalid('unreadable extensions');
  }
  if (!ext.digitalSignature) throw twFidoErrors.certificate_invalid('key usage lacks digitalSignature');
  if (!ext.last4 || ext.last4 !== login.expectedLast4) {
    throw twFidoErrors.certificate_invalid('certificate belongs to another national ID');
  }
  const signature = Buffer.from(login.signedResponse.replace(/\s+/g, ''), 'base64');
  let ok = false;
  try {
    ok = verifySignature('sha256', Buffer.from(login.tbs, 'utf8'), cert.publicKey, signature);
  } catch {
    ok = false;
  }
  if (!ok) throw twFidoErrors.signature_invalid();
  return {
    serial: cert.serialNumber.toUpperCase(),
    issuer: cert.issuer,
    subject: cert.subject,
    commonName: commonNameOf(cert.subject),
    notAfter: new Date(cert.validTo),
    last4: ext.last4,
  };
}
