/**
 * CRL fallback of reference §10.1 step 5: fetch the CRL of the certificate's distribution
 * point, check that the issuing CA signed it and that it is current, and keep the revoked
 * serials in memory until its nextUpdate (MOICA's complete CRLs hold 10⁵ serials and run to
 * megabytes, so they are fetched and parsed once per period, not per login).
 */
import * as pkijs from 'pkijs';
import type { PkiHttp } from './http.js';
import { type Certificate, keyFingerprint } from './x509.js';

interface CachedCrl {
  revoked: Set<string>;
  /** ms since epoch after which the CRL must be fetched again */
  refreshAt: number;
}

// a CRL without nextUpdate is refetched after this long
const DEFAULT_LIFETIME_MS = 3600_000;

export interface CrlChecker {
  /**
   * @returns whether the CRL at `url` lists the certificate
   * @throws Error when no current CRL signed by the issuer can be had
   */
  isRevoked(q: { certificate: Certificate; issuer: Certificate; url: string; now: Date }): Promise<boolean>;
}

function decodeCrl(bytes: Uint8Array): pkijs.CertificateRevocationList {
  const text = Buffer.from(bytes.subarray(0, 64)).toString('latin1');
  if (text.startsWith('-----BEGIN')) {
    const b64 = Buffer.from(bytes)
      .toString('latin1')
      .replace(/-----(BEGIN|END) X509 CRL-----/g, '')
      .replace(/\s+/g, '');
    return pkijs.CertificateRevocationList.fromBER(Buffer.from(b64, 'base64'));
  }
  return pkijs.CertificateRevocationList.fromBER(bytes);
}

const serialOf = (view: Uint8Array) =>
  Buffer.from(view)
    .toString('hex')
    .replace(/^(00)+(?=.)/, '');

export function createCrlChecker(http: PkiHttp, opts: { timeoutMs: number }): CrlChecker {
  const cache = new Map<string, CachedCrl>();
  const inflight = new Map<string, Promise<CachedCrl>>();

  async function load(url: string, issuer: Certificate, now: Date): Promise<CachedCrl> {
    const crl = decodeCrl(await http.get(url, { accept: 'application/pkix-crl', timeoutMs: opts.timeoutMs }));
    if (!crl.issuer.isEqual(issuer.subject)) throw new Error('CRL issuer is not the certificate issuer');
    if (!(await crl.verify({ issuerCertificate: issuer }))) throw new Error('CRL signature does not verify');
    const nextUpdate = crl.nextUpdate?.value.getTime();
    if (nextUpdate !== undefined && nextUpdate < now.getTime()) throw new Error('CRL is past its nextUpdate');
    const revoked = new Set(
      (crl.revokedCertificates ?? []).map((r) => serialOf(r.userCertificate.valueBlock.valueHexView)),
    );
    return {
      revoked,
      refreshAt: nextUpdate ?? now.getTime() + DEFAULT_LIFETIME_MS,
    };
  }

  return {
    async isRevoked({ certificate, issuer, url, now }) {
      const key = `${keyFingerprint(issuer)} ${url}`;
      let entry = cache.get(key);
      if (!entry || entry.refreshAt <= now.getTime()) {
        // concurrent logins share one download of the same CRL
        let pending = inflight.get(key);
        if (!pending) {
          pending = load(url, issuer, now).finally(() => inflight.delete(key));
          inflight.set(key, pending);
        }
        entry = await pending;
        cache.set(key, entry);
      }
      return entry.revoked.has(serialOf(certificate.serialNumber.valueBlock.valueHexView));
    },
  };
}
