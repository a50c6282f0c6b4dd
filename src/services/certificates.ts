/**
 * 自然人憑證 (citizen digital certificate on a smart card), server side of reference §10:
 *
 *   verify   the PKCS#7 SignedData over our one-time nonce → the signer certificate → its path
 *            to a configured trust anchor (MOICA G2/G3 in production) → validity → key usage
 *            (digitalSignature or nonRepudiation, as MOICA issues the signing certificate) →
 *            revocation: OCSP first (AIA or CARD_OCSP_URL), the CRL when OCSP gives no answer
 *   bind     a signed-in account ↔ the certificate (credentials type 'certificate', identifier
 *            issuing key + serial), keeping issuer, serial, subject, the last four ID digits
 *            (2.16.886.1.100.2.51) and not-after
 *   find     the account a verified certificate is bound to (the login)
 *
 * Revocation fails closed: a certificate whose status nobody can tell is not accepted.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import {
  type Credential,
  deleteCredential,
  findCredential,
  findCredentialById,
  insertCredential,
  listCredentials,
  updateCredentialData,
} from '../adapters/db/credentials.js';
import type { Db } from '../adapters/db.js';
import type { PayloadStore } from '../adapters/oidc/payload-store.js';
import { buildChain, ChainError, checkValidity } from '../adapters/pki/chain.js';
import { CmsError, parseCertificateB64, verifySignedNonce } from '../adapters/pki/cms.js';
import { type CrlChecker, createCrlChecker } from '../adapters/pki/crl.js';
import { createPkiHttp, type PkiHttp } from '../adapters/pki/http.js';
import { queryOcsp } from '../adapters/pki/ocsp.js';
import {
  type Certificate,
  commonName,
  crlUrls,
  keyFingerprint,
  keyUsage,
  loadTrustAnchors,
  nameToString,
  nationalIdLastFour,
  ocspUrls,
  serialHex,
} from '../adapters/pki/x509.js';
import type { Config } from '../config.js';
import { defineErrors } from '../errors.js';
import type { AccountService } from './accounts.js';
import { unsealNationalId } from './national-id.js';
import type { SecretBox } from './secret-box.js';

export const certificateErrors = defineErrors('certificate', {
  invalid_signature: { message: 'certificate.invalid_signature' },
  nonce_mismatch: { message: 'certificate.nonce_mismatch' },
  untrusted: { message: 'certificate.untrusted' },
  expired: { message: 'certificate.expired' },
  not_yet_valid: { message: 'certificate.not_yet_valid' },
  key_usage: { message: 'certificate.key_usage' },
  revoked: { message: 'certificate.revoked' },
  revocation_unavailable: { status: 503, message: 'certificate.revocation_unavailable' },
  not_registered: { status: 401, message: 'certificate.not_registered' },
  already_bound: { status: 409, message: 'certificate.already_bound' },
  id_mismatch: { message: 'certificate.id_mismatch' },
  not_found: { status: 404, message: 'certificate.not_found' },
});

export const CERTIFICATE_CREDENTIAL = 'certificate';

/** What a verified signature tells about its certificate. */
export interface VerifiedCertificate {
  /** credentials.identifier: the issuing CA key and the serial (G2 and G3 share a name) */
  identifier: string;
  issuer: string;
  serial: string;
  subject: string;
  /** CN: the holder's name */
  name: string | undefined;
  /** reference §10.2: the last four digits of the national ID */
  idLastFour: string | undefined;
  notAfter: Date;
}

export interface CertificateBindingData extends Record<string, unknown> {
  issuer: string;
  serial: string;
  subject: string;
  name: string | null;
  idLastFour: string | null;
  /** ISO 8601 */
  notAfter: string;
}

export type CertificateBinding = Credential<CertificateBindingData>;

export interface CertificateVerifierOptions {
  anchors: readonly Certificate[];
  http: PkiHttp;
  crl: CrlChecker;
  /** CARD_OCSP_URL: one responder for every certificate instead of each one's AIA */
  ocspUrl?: string | undefined;
  /** why a revocation source gave no answer (logged; the user sees one message) */
  onWarning?: (message: string, err: unknown) => void;
}

export interface CertificateVerifier {
  /**
   * @param input.signature the signer's PKCS#7 (base64)
   * @param input.certificate the signer's certb64, used if the SignedData carries none
   * @param input.nonce what we asked the card to sign
   * @throws certificate.invalid_signature | nonce_mismatch | untrusted | expired | not_yet_valid
   *         | key_usage | revoked | revocation_unavailable
   */
  verify(input: {
    signature: string;
    certificate?: string | undefined;
    nonce: string;
  }): Promise<VerifiedCertificate>;
}

/** A fresh one-time nonce for the card to sign (the `tbs` of the sign request). */
export function newCertificateNonce(): string {
  return randomBytes(32).toString('base64url');
}

function mapCmsError(err: unknown): never {
  if (err instanceof CmsError) {
    throw err.reason === 'content_mismatch'
      ? certificateErrors.nonce_mismatch()
      : certificateErrors.invalid_signature();
  }
  throw err;
}

function mapChainError(err: unknown): never {
  if (err instanceof ChainError) {
    if (err.reason === 'expired') throw certificateErrors.expired();
    if (err.reason === 'not_yet_valid') throw certificateErrors.not_yet_valid();
    throw certificateErrors.untrusted();
  }
  throw err;
}

export function createCertificateVerifier(o: CertificateVerifierOptions): CertificateVerifier {
  const warn = o.onWarning ?? (() => undefined);

  async function checkRevocation(leaf: Certificate, path: Certificate[], now: Date): Promise<void> {
    const issuer = path[1]!;
    const ocsp = o.ocspUrl ? [o.ocspUrl] : ocspUrls(leaf);
    for (const url of ocsp.slice(0, 1)) {
      try {
        const status = await queryOcsp(o.http, {
          certificate: leaf,
          issuer,
          trusted: path.slice(1),
          url,
          now,
        });
        if (status === 'good') return;
        if (status === 'revoked') throw certificateErrors.revoked();
        warn('OCSP responder does not know the certificate; trying the CRL', undefined);
      } catch (err) {
        if (err instanceof Error && 'code' in err && err.code === 'certificate.revoked') throw err;
        warn('OCSP check failed; trying the CRL', err);
      }
    }
    for (const url of crlUrls(leaf)) {
      let revoked: boolean;
      try {
        revoked = await o.crl.isRevoked({ certificate: leaf, issuer, url, now });
      } catch (err) {
        warn('CRL check failed', err);
        continue;
      }
      if (revoked) throw certificateErrors.revoked();
      return;
    }
    throw certificateErrors.revocation_unavailable();
  }

  return {
    async verify(input) {
      const now = new Date();
      const posted = parseCertificateB64(input.certificate);
      const signed = await verifySignedNonce(input.signature, Buffer.from(input.nonce, 'utf8'), posted).catch(
        mapCmsError,
      );
      const leaf = signed.signer;
      const path = await buildChain(leaf, signed.certificates, o.anchors, now).catch(mapChainError);
      try {
        checkValidity(leaf, now, 'the certificate');
      } catch (err) {
        mapChainError(err);
      }
      const usage = keyUsage(leaf);
      if (!usage || !(usage.digitalSignature || usage.nonRepudiation)) throw certificateErrors.key_usage();
      await checkRevocation(leaf, path, now);
      const issuerCert = path[1]!;
      const serial = serialHex(leaf);
      return {
        identifier: `${keyFingerprint(issuerCert)}:${serial}`,
        issuer: nameToString(leaf.issuer),
        serial,
        subject: nameToString(leaf.subject),
        name: commonName(leaf.subject),
        idLastFour: nationalIdLastFour(leaf),
        notAfter: leaf.notAfter.value,
      };
    },
  };
}

/** Names compare without spaces and in NFKC (full-width forms from a Chinese IME). */
export function sameName(a: string | null | undefined, b: string | null | undefined): boolean {
  const fold = (s: string) => s.normalize('NFKC').replace(/\s+/g, '');
  return Boolean(a && b && fold(a) === fold(b));
}

/** Whether a certificate that expires at `notAfter` is due for renewal (the notice after login). */
export function isRenewalDue(notAfter: Date, days: number, now = new Date()): boolean {
  return notAfter.getTime() - now.getTime() <= days * 86_400_000;
}

export interface CertificateBindings {
  /**
   * The account the certificate is bound to; stamps its last use.
   * @throws certificate.not_registered
   */
  findAccountId(cert: VerifiedCertificate): Promise<string>;
  /**
   * Binds the certificate to the account (again binding the same one refreshes its data).
   * @returns the binding and whether the certificate's name differs from the account's
   * @throws certificate.already_bound (to another account), certificate.id_mismatch (the last
   *         four ID digits differ from the national ID on record)
   */
  bind(
    accountId: string,
    cert: VerifiedCertificate,
  ): Promise<{ binding: CertificateBinding; nameDiffers: boolean }>;
  list(accountId: string): Promise<CertificateBinding[]>;
  /** @throws certificate.not_found */
  remove(accountId: string, id: string): Promise<void>;
}

function bindingData(cert: VerifiedCertificate): CertificateBindingData {
  return {
    issuer: cert.issuer,
    serial: cert.serial,
    subject: cert.subject,
    name: cert.name ?? null,
    idLastFour: cert.idLastFour ?? null,
    notAfter: cert.notAfter.toISOString(),
  };
}

export function createCertificateBindings(deps: {
  db: Db;
  box: SecretBox;
  accounts: AccountService;
}): CertificateBindings {
  const { db } = deps;
  return {
    async findAccountId(cert) {
      const found = await findCredential<CertificateBindingData>(db, CERTIFICATE_CREDENTIAL, cert.identifier);
      if (!found) throw certificateErrors.not_registered();
      // the card may have been renewed under the same serial: keep what the certificate says now
      await updateCredentialData(db, found.id, bindingData(cert), { used: true });
      return found.accountId;
    },

    async bind(accountId, cert) {
      const account = await deps.accounts.findById(accountId);
      if (!account) throw certificateErrors.not_found();
      if (account.nationalIdSealed && cert.idLastFour) {
        const id = unsealNationalId(deps.box, account.nationalIdSealed);
        if (!id.endsWith(cert.idLastFour)) throw certificateErrors.id_mismatch();
      }
      const nameDiffers = !sameName(cert.name, account.name);
      const binding = await db
        .transaction(async (tx) => {
          const existing = await findCredential<CertificateBindingData>(
            tx,
            CERTIFICATE_CREDENTIAL,
            cert.identifier,
            {
              lock: true,
            },
          );
          if (existing && existing.accountId !== accountId) throw certificateErrors.already_bound();
          if (existing) {
            await updateCredentialData(tx, existing.id, bindingData(cert));
            return { ...existing, data: bindingData(cert) };
          }
          return insertCredential(tx, {
            accountId,
            type: CERTIFICATE_CREDENTIAL,
            identifier: cert.identifier,
            data: bindingData(cert),
          });
        })
        .catch((err: unknown) => {
          // two binds of the same certificate at once: the unique index decides
          if ((err as { code?: unknown }).code === '23505') throw certificateErrors.already_bound();
          throw err;
        });
      return { binding, nameDiffers };
    },

    list: (accountId) => listCredentials<CertificateBindingData>(db, accountId, CERTIFICATE_CREDENTIAL),

    async remove(accountId, id) {
      const found = /^[0-9a-f-]{36}$/i.test(id) ? await findCredentialById(db, id) : undefined;
      if (!found || found.accountId !== accountId || found.type !== CERTIFICATE_CREDENTIAL) {
        throw certificateErrors.not_found();
      }
      await deleteCredential(db, id);
    },
  };
}

const NONCE_MODEL = 'CertificateNonce';
// a card signature takes seconds; the PIN dialog of the signer a minute at most
export const CERTIFICATE_NONCE_SECONDS = 5 * 60;

export interface CertificateService extends CertificateVerifier, CertificateBindings {
  /** days before not-after from which a login shows the renewal notice */
  readonly renewalDays: number;
  /** A nonce for binding a certificate on the account page, kept under the page session's key. */
  issueBindingNonce(ceremony: string): Promise<string>;
  /** The binding nonce, once: a second call (a replayed form) gets undefined. */
  takeBindingNonce(ceremony: string): Promise<string | undefined>;
}

export function createCertificateService(o: {
  verifier: CertificateVerifier;
  bindings: CertificateBindings;
  store: PayloadStore;
  renewalDays: number;
}): CertificateService {
  return {
    verify: (input) => o.verifier.verify(input),
    findAccountId: (cert) => o.bindings.findAccountId(cert),
    bind: (accountId, cert) => o.bindings.bind(accountId, cert),
    list: (accountId) => o.bindings.list(accountId),
    remove: (accountId, id) => o.bindings.remove(accountId, id),
    renewalDays: o.renewalDays,
    async issueBindingNonce(ceremony) {
      const nonce = newCertificateNonce();
      await o.store.upsert(NONCE_MODEL, ceremony, { nonce }, CERTIFICATE_NONCE_SECONDS);
      return nonce;
    },
    async takeBindingNonce(ceremony) {
      const found = await o.store.find(NONCE_MODEL, ceremony);
      if (!found) return undefined;
      await o.store.destroy(NONCE_MODEL, ceremony);
      return typeof found.nonce === 'string' ? found.nonce : undefined;
    },
  };
}

/** The card login as configured (CARD_*): trust anchors read once, one HTTP client for OCSP and CRLs. */
export function certificateServiceFromConfig(
  card: Config['card'],
  deps: { db: Db; box: SecretBox; accounts: AccountService; store: PayloadStore; log?: Logger },
): CertificateService {
  const http = createPkiHttp({ timeoutMs: card.httpTimeoutMs });
  return createCertificateService({
    verifier: createCertificateVerifier({
      anchors: loadTrustAnchors(card.trustAnchors),
      http,
      // a complete MOICA CRL is large: more time than an OCSP answer gets
      crl: createCrlChecker(http, { timeoutMs: Math.max(card.httpTimeoutMs, 60_000) }),
      ocspUrl: card.ocspUrl,
      onWarning: (message, err) => deps.log?.warn({ err }, message),
    }),
    bindings: createCertificateBindings(deps),
    store: deps.store,
    renewalDays: card.renewalNoticeDays,
  });
}
