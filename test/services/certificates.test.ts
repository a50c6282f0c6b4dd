/**
 * The card login's server-side checks (reference §10) with real cryptography: a generated
 * root → MOICA-like intermediate → user certificates, a live OCSP responder and CRL server.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createCrlChecker } from '../../src/adapters/pki/crl.js';
import { createPkiHttp } from '../../src/adapters/pki/http.js';
import { certificatesFromPem, loadTrustAnchors } from '../../src/adapters/pki/x509.js';
import { isAppError } from '../../src/errors.js';
import {
  type CertificateVerifier,
  createCertificateVerifier,
  isRenewalDue,
  newCertificateNonce,
} from '../../src/services/certificates.js';
import {
  certB64,
  createPkiFixtures,
  type PkiFixtures,
  signPkcs7,
  type TestCert,
} from '../helpers/pki-fixtures.js';

let pki: PkiFixtures;
let warnings: string[];

beforeAll(async () => {
  pki = await createPkiFixtures();
}, 60_000);

afterAll(async () => {
  await pki.close();
});

function verifier(
  opts: { ocspUrl?: string; anchors?: 'root' | 'intermediate' | 'file' } = {},
): CertificateVerifier {
  warnings = [];
  const http = createPkiHttp({ timeoutMs: 2000 });
  return createCertificateVerifier({
    anchors:
      opts.anchors === 'intermediate'
        ? certificatesFromPem(pki.ca.pem)
        : opts.anchors === 'root'
          ? certificatesFromPem(pki.root.pem)
          : loadTrustAnchors([pki.anchorsFile]),
    http,
    // a new checker per verifier: no CRL cached from an earlier test
    crl: createCrlChecker(http, { timeoutMs: 2000 }),
    ocspUrl: opts.ocspUrl,
    onWarning: (message) => warnings.push(message),
  });
}

async function signedBy(cert: TestCert, nonce = newCertificateNonce()) {
  return { nonce, signature: await signPkcs7(Buffer.from(nonce), cert), certificate: certB64(cert) };
}

async function failureOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isAppError(err)) return err.code;
    throw err;
  }
  throw new Error('expected a failure');
}

beforeEach(() => {
  pki.ocsp.mode = 'up';
  pki.crl.mode = 'up';
  pki.ocsp.requests = 0;
  pki.crl.requests = 0;
});

describe('verify', () => {
  it('accepts a valid signature over the nonce and reads the identity fields', async () => {
    const input = await signedBy(pki.users.valid);
    const result = await verifier().verify(input);
    expect(result.name).toBe('王小明');
    expect(result.idLastFour).toBe('6789');
    expect(result.serial).toBe(pki.users.valid.serial);
    expect(result.issuer).toBe('C=TW, O=行政院, OU=內政部憑證管理中心');
    expect(result.subject).toContain('CN=王小明');
    expect(result.identifier).toMatch(new RegExp(`^[0-9a-f]{40}:${pki.users.valid.serial}$`));
    expect(result.notAfter.getTime()).toBe(pki.users.valid.notAfter.getTime());
    // OCSP answered, so the CRL was not needed
    expect(pki.ocsp.requests).toBe(1);
    expect(pki.crl.requests).toBe(0);
  });

  it('accepts a detached signature whose external content is the nonce', async () => {
    const nonce = newCertificateNonce();
    const signature = await signPkcs7(Buffer.from(nonce), pki.users.valid, { detached: true });
    await expect(verifier().verify({ nonce, signature })).resolves.toMatchObject({ name: '王小明' });
    const other = await failureOf(verifier().verify({ nonce: newCertificateNonce(), signature }));
    expect(other).toBe('certificate.nonce_mismatch');
  });

  it('accepts a path that ends at a pinned intermediate (MOICA G2/G3 as the anchor)', async () => {
    const input = await signedBy(pki.users.valid);
    await expect(verifier({ anchors: 'intermediate' }).verify(input)).resolves.toMatchObject({
      name: '王小明',
    });
  });

  it('builds the path to a root anchor through an intermediate the SignedData carries', async () => {
    const nonce = newCertificateNonce();
    const v = verifier({ anchors: 'root' });
    const alone = await signPkcs7(Buffer.from(nonce), pki.users.valid);
    expect(await failureOf(v.verify({ nonce, signature: alone }))).toBe('certificate.untrusted');
    const withCa = await signPkcs7(Buffer.from(nonce), pki.users.valid, { extraCerts: [pki.ca] });
    await expect(v.verify({ nonce, signature: withCa })).resolves.toMatchObject({ name: '王小明' });
  });

  it('rejects an expired certificate', async () => {
    expect(await failureOf(verifier().verify(await signedBy(pki.users.expired)))).toBe('certificate.expired');
  });

  it('rejects a certificate the OCSP responder reports revoked', async () => {
    expect(await failureOf(verifier().verify(await signedBy(pki.users.revoked)))).toBe('certificate.revoked');
    expect(pki.ocsp.requests).toBe(1);
    expect(pki.crl.requests).toBe(0);
  });

  it('falls back to the CRL when the OCSP responder is down, and finds the revocation there', async () => {
    pki.ocsp.mode = 'down';
    expect(await failureOf(verifier().verify(await signedBy(pki.users.revoked)))).toBe('certificate.revoked');
    expect(pki.ocsp.requests).toBe(1);
    expect(pki.crl.requests).toBe(1);
    expect(warnings).toContain('OCSP check failed; trying the CRL');
  });

  it('falls back to the CRL when the OCSP answer is not signed right, and accepts a good certificate', async () => {
    pki.ocsp.mode = 'bad_signature';
    const v = verifier();
    await expect(v.verify(await signedBy(pki.users.valid))).resolves.toMatchObject({ name: '王小明' });
    expect(pki.crl.requests).toBe(1);
    // the CRL is kept until its nextUpdate
    await v.verify(await signedBy(pki.users.valid));
    expect(pki.crl.requests).toBe(1);
  });

  it('falls back to the CRL for a certificate the responder does not know', async () => {
    await expect(verifier().verify(await signedBy(pki.users.unknownToOcsp))).resolves.toBeDefined();
    expect(pki.crl.requests).toBe(1);
  });

  it('fails closed when neither OCSP nor a valid CRL answers', async () => {
    pki.ocsp.mode = 'down';
    pki.crl.mode = 'down';
    expect(await failureOf(verifier().verify(await signedBy(pki.users.valid)))).toBe(
      'certificate.revocation_unavailable',
    );
    pki.crl.mode = 'bad_signature';
    expect(await failureOf(verifier().verify(await signedBy(pki.users.valid)))).toBe(
      'certificate.revocation_unavailable',
    );
  });

  it('uses CARD_OCSP_URL instead of the AIA when configured', async () => {
    const v = verifier({ ocspUrl: 'http://127.0.0.1:9/unreachable' });
    pki.crl.mode = 'down';
    expect(await failureOf(v.verify(await signedBy(pki.users.valid)))).toBe(
      'certificate.revocation_unavailable',
    );
    expect(pki.ocsp.requests).toBe(0);
  });

  it('rejects a certificate without digitalSignature or nonRepudiation', async () => {
    expect(await failureOf(verifier().verify(await signedBy(pki.users.wrongUsage)))).toBe(
      'certificate.key_usage',
    );
  });

  it('rejects a certificate of an unknown CA, even with the same CA name', async () => {
    expect(await failureOf(verifier().verify(await signedBy(pki.users.otherCa)))).toBe(
      'certificate.untrusted',
    );
    // handing the other CA in the SignedData does not make it trusted
    const nonce = newCertificateNonce();
    const signature = await signPkcs7(Buffer.from(nonce), pki.users.otherCa, { extraCerts: [pki.otherRoot] });
    expect(await failureOf(verifier().verify({ nonce, signature }))).toBe('certificate.untrusted');
  });

  it('rejects a tampered signature', async () => {
    const input = await signedBy(pki.users.valid);
    const der = Buffer.from(input.signature, 'base64');
    // the RSA signature value sits at the end of the SignerInfo, the last element
    der[der.length - 20] = (der[der.length - 20] ?? 0) ^ 0x01;
    const code = await failureOf(verifier().verify({ ...input, signature: der.toString('base64') }));
    expect(code).toBe('certificate.invalid_signature');
  });

  it('rejects a signature over another nonce', async () => {
    const input = await signedBy(pki.users.valid);
    expect(await failureOf(verifier().verify({ ...input, nonce: newCertificateNonce() }))).toBe(
      'certificate.nonce_mismatch',
    );
  });

  it('rejects what is not a SignedData', async () => {
    for (const signature of [
      'not base64 at all!',
      Buffer.from('hello').toString('base64'),
      certB64(pki.users.valid),
    ]) {
      expect(await failureOf(verifier().verify({ nonce: 'x', signature }))).toBe(
        'certificate.invalid_signature',
      );
    }
  });

  it('rejects everything when no trust anchor is configured', async () => {
    const http = createPkiHttp({ timeoutMs: 1000 });
    const v = createCertificateVerifier({
      anchors: [],
      http,
      crl: createCrlChecker(http, { timeoutMs: 1000 }),
    });
    expect(await failureOf(v.verify(await signedBy(pki.users.valid)))).toBe('certificate.untrusted');
  });
});

describe('isRenewalDue', () => {
  it('is due within the notice period only', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(isRenewalDue(new Date('2026-01-11T00:00:00Z'), 30, now)).toBe(true);
    expect(isRenewalDue(new Date('2026-03-01T00:00:00Z'), 30, now)).toBe(false);
  });
});
