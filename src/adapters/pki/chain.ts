/**
 * Certification path from a signer certificate to a configured trust anchor (reference §10.1
 * step 4, §10.3). MOICA G2 and G3 share one subject name, so an issuer is chosen by name and
 * then proven by its signature on the child (key identifiers only narrow the candidates).
 * An anchor may be a root (GRCA) or the MOICA intermediate itself: the path ends at the first
 * anchor reached. Every certificate on the path must be within its validity period.
 */
import * as pkijs from 'pkijs';
import { type Certificate, isCa, keyUsage, sameCertificate } from './x509.js';

export type ChainFailure = 'untrusted' | 'expired' | 'not_yet_valid';

export class ChainError extends Error {
  constructor(
    readonly reason: ChainFailure,
    detail: string,
  ) {
    super(detail);
    this.name = 'ChainError';
  }
}

const MAX_DEPTH = 6;

function keyId(cert: Certificate, oid: string): string | undefined {
  const ext = cert.extensions?.find((e) => e.extnID === oid);
  if (!ext) return undefined;
  const parsed = ext.parsedValue as
    | pkijs.AuthorityKeyIdentifier
    | { valueBlock?: { valueHexView?: Uint8Array } }
    | undefined;
  const view =
    parsed instanceof pkijs.AuthorityKeyIdentifier
      ? parsed.keyIdentifier?.valueBlock.valueHexView
      : parsed?.valueBlock?.valueHexView;
  return view ? Buffer.from(view).toString('hex') : undefined;
}

const authorityKeyId = (c: Certificate) => keyId(c, '2.5.29.35');
const subjectKeyId = (c: Certificate) => keyId(c, '2.5.29.14');

export function checkValidity(cert: Certificate, now: Date, label: string): void {
  if (now < cert.notBefore.value) throw new ChainError('not_yet_valid', `${label} is not yet valid`);
  if (now > cert.notAfter.value)
    throw new ChainError('expired', `${label} expired ${cert.notAfter.value.toISOString()}`);
}

async function signedBy(child: Certificate, issuer: Certificate): Promise<boolean> {
  try {
    return await child.verify(issuer);
  } catch {
    return false;
  }
}

/**
 * @param leaf the signer certificate
 * @param intermediates certificates that came with the signature (untrusted helpers)
 * @param anchors the configured trust anchors
 * @returns the path, leaf first, ending with the anchor
 * @throws ChainError
 */
export async function buildChain(
  leaf: Certificate,
  intermediates: readonly Certificate[],
  anchors: readonly Certificate[],
  now: Date,
): Promise<Certificate[]> {
  if (anchors.length === 0) throw new ChainError('untrusted', 'no trust anchors are configured');
  const path: Certificate[] = [leaf];
  let current = leaf;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const aki = authorityKeyId(current);
    const candidates = [...anchors, ...intermediates].filter(
      (c) =>
        !path.some((p) => sameCertificate(p, c)) &&
        c.subject.isEqual(current.issuer) &&
        (!aki || !subjectKeyId(c) || subjectKeyId(c) === aki),
    );
    let issuer: Certificate | undefined;
    for (const candidate of candidates) {
      if (await signedBy(current, candidate)) {
        issuer = candidate;
        break;
      }
    }
    if (!issuer) throw new ChainError('untrusted', 'no trusted issuer signed the certificate');
    const usage = keyUsage(issuer);
    if (!isCa(issuer) || (usage && !usage.keyCertSign)) {
      throw new ChainError('untrusted', 'the issuer is not a certification authority');
    }
    path.push(issuer);
    if (anchors.some((a) => sameCertificate(a, issuer))) {
      // the leaf's own validity is reported by the caller, after the path is known to be trusted
      for (const ca of path.slice(1)) {
        if (now < ca.notBefore.value || now > ca.notAfter.value) {
          throw new ChainError('untrusted', 'an issuing CA certificate is outside its validity period');
        }
      }
      return path;
    }
    current = issuer;
  }
  throw new ChainError('untrusted', 'certification path too long');
}
