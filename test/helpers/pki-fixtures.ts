/**
 * A test PKI generated at test start (no key is ever committed): a root CA, a 'MOICA-like'
 * intermediate with the MOICA subject, an OCSP signing certificate, user certificates for
 * every case of the card login, and a second, untrusted CA. An OCSP responder and a CRL
 * server (plain HTTP on 127.0.0.1) answer for the intermediate; the user certificates carry
 * their URLs in AIA and CRL distribution points, as MOICA's do.
 */
import type { webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

const ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

export interface TestCert {
  cert: pkijs.Certificate;
  keys: webcrypto.CryptoKeyPair;
  pem: string;
  der: Uint8Array;
  /** hex, as the OCSP responder and the CRL list it */
  serial: string;
  notAfter: Date;
}

export type UserCase =
  | 'valid'
  | 'expired'
  | 'revoked'
  | 'expiring'
  | 'wrongUsage'
  | 'otherCa'
  | 'unknownToOcsp';

export type ResponderMode = 'up' | 'down' | 'bad_signature';

export interface TestResponder {
  url: string;
  mode: ResponderMode;
  requests: number;
}

export interface PkiFixtures {
  root: TestCert;
  ca: TestCert;
  ocspSigner: TestCert;
  otherRoot: TestCert;
  users: Record<UserCase, TestCert>;
  /** PEM file of the root and the intermediate (as GRCA G3 + MOICA G3): CARD_TRUST_ANCHORS */
  anchorsFile: string;
  ocsp: TestResponder;
  crl: TestResponder;
  /** marks a serial revoked at the OCSP responder and in the CRL */
  revoke(cert: TestCert): void;
  close(): Promise<void>;
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return crypto.subtle.generateKey(
    { ...ALG, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ['sign', 'verify'],
  ) as Promise<webcrypto.CryptoKeyPair>;
}

/** Key usage bits, as in RFC 5280 §4.2.1.3. */
export const USAGE = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyCertSign: 5,
  cRLSign: 6,
} as const;

const NAME_OIDS: Readonly<Record<string, string>> = {
  C: '2.5.4.6',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  CN: '2.5.4.3',
  serialNumber: '2.5.4.5',
};

/** 'C=TW, O=…, CN=…' → a Name (C and serialNumber as PrintableString, the rest UTF8String). */
function toName(text: string): pkijs.RelativeDistinguishedNames {
  return new pkijs.RelativeDistinguishedNames({
    typesAndValues: text.split(/,\s*/).map((part) => {
      const [key = '', value = ''] = part.split('=');
      const printable = key === 'C' || key === 'serialNumber';
      return new pkijs.AttributeTypeAndValue({
        type: NAME_OIDS[key] ?? key,
        value: printable ? new asn1js.PrintableString({ value }) : new asn1js.Utf8String({ value }),
      });
    }),
  });
}

function ext(
  extnID: string,
  critical: boolean,
  value: { toBER(sizeOnly?: boolean): ArrayBuffer },
): pkijs.Extension {
  return new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });
}

function keyUsageBits(bits: number[]): asn1js.BitString {
  const bytes = new Uint8Array(bits.some((b) => b > 7) ? 2 : 1);
  for (const b of bits) bytes[b >> 3]! |= 0x80 >> (b & 7);
  const last = bytes[bytes.length - 1] ?? 0;
  let unused = 0;
  while (unused < 7 && !(last & (1 << unused))) unused++;
  return new asn1js.BitString({ valueHex: bytes, unusedBits: unused });
}

const uri = (value: string) => new pkijs.GeneralName({ type: 6, value });

async function keyId(key: webcrypto.CryptoKey): Promise<Uint8Array> {
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', key));
  const info = pkijs.PublicKeyInfo.fromBER(spki);
  return new Uint8Array(await crypto.subtle.digest('SHA-1', info.subjectPublicKey.valueBlock.valueHexView));
}

function randomSerial(): Uint8Array {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = 0x01; // positive, no leading zero byte
  return bytes;
}

/** Subject Directory Attributes (2.5.29.9) holding 2.16.886.1.100.2.51 = the last four ID digits. */
export function lastFourExtension(digits: string): pkijs.Extension {
  const value = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({
        value: [
          new asn1js.ObjectIdentifier({ value: '2.16.886.1.100.2.51' }),
          new asn1js.Set({ value: [new asn1js.PrintableString({ value: digits })] }),
        ],
      }),
    ],
  });
  return ext('2.5.29.9', false, value);
}

interface IssueOptions {
  subject: string;
  issuer?: TestCert;
  notBefore?: Date;
  notAfter?: Date;
  ca?: boolean;
  usages?: number[];
  extensions?: pkijs.Extension[];
}

async function issue(o: IssueOptions): Promise<TestCert> {
  const keys = await generateKeys();
  const signer = o.issuer?.keys ?? keys;
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ valueHex: randomSerial() });
  cert.subject = toName(o.subject);
  cert.issuer = o.issuer ? o.issuer.cert.subject : cert.subject;
  const notAfter = o.notAfter ?? new Date(Date.now() + 365 * DAY);
  cert.notBefore = new pkijs.Time({ type: 0, value: o.notBefore ?? new Date(Date.now() - DAY) });
  cert.notAfter = new pkijs.Time({ type: 0, value: notAfter });
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey);
  cert.extensions = [
    ext('2.5.29.14', false, new asn1js.OctetString({ valueHex: await keyId(keys.publicKey) })),
    ext(
      '2.5.29.35',
      false,
      new pkijs.AuthorityKeyIdentifier({
        keyIdentifier: new asn1js.OctetString({ valueHex: await keyId(signer.publicKey) }),
      }).toSchema(),
    ),
    ...(o.ca ? [ext('2.5.29.19', true, new pkijs.BasicConstraints({ cA: true }).toSchema())] : []),
    ...(o.usages ? [ext('2.5.29.15', true, keyUsageBits(o.usages))] : []),
    ...(o.extensions ?? []),
  ];
  await cert.sign(signer.privateKey, 'SHA-256');
  // parsed back, so every field reads as it would from the wire
  const der = new Uint8Array(cert.toSchema(true).toBER(false));
  const parsed = pkijs.Certificate.fromBER(der);
  const b64 = Buffer.from(der).toString('base64');
  return {
    cert: parsed,
    keys,
    der,
    pem: `-----BEGIN CERTIFICATE-----\n${b64.replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`,
    serial: Buffer.from(parsed.serialNumber.valueBlock.valueHexView).toString('hex'),
    notAfter: parsed.notAfter.value,
  };
}

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ server: Server; base: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const certStatus = {
  good: () => new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } }),
  revoked: (at: Date) =>
    new asn1js.Constructed({
      idBlock: { tagClass: 3, tagNumber: 1 },
      value: [new asn1js.GeneralizedTime({ valueDate: at })],
    }),
  unknown: () => new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 2 } }),
};

/** An RFC 6960 answer for every CertID of the request, signed by the OCSP signing certificate. */
async function ocspAnswer(
  request: pkijs.OCSPRequest,
  signer: TestCert,
  statusOf: (serial: string) => 'good' | 'revoked' | 'unknown',
  tamper: boolean,
): Promise<Uint8Array> {
  const basic = new pkijs.BasicOCSPResponse();
  basic.tbsResponseData.responderID = signer.cert.subject;
  basic.tbsResponseData.producedAt = new Date();
  for (const item of request.tbsRequest.requestList) {
    const serial = Buffer.from(item.reqCert.serialNumber.valueBlock.valueHexView)
      .toString('hex')
      .replace(/^(00)+(?=.)/, '');
    const status = statusOf(serial);
    basic.tbsResponseData.responses.push(
      new pkijs.SingleResponse({
        certID: item.reqCert,
        certStatus:
          status === 'good'
            ? certStatus.good()
            : status === 'revoked'
              ? certStatus.revoked(new Date(Date.now() - DAY))
              : certStatus.unknown(),
        thisUpdate: new Date(Date.now() - 60_000),
        nextUpdate: new Date(Date.now() + 3600_000),
      }),
    );
  }
  const nonce = request.tbsRequest.requestExtensions?.find((e) => e.extnID === '1.3.6.1.5.5.7.48.1.2');
  if (nonce) basic.tbsResponseData.responseExtensions = [nonce];
  basic.certs = [signer.cert];
  await basic.sign(signer.keys.privateKey, 'SHA-256');
  if (tamper) {
    const sig = new Uint8Array(basic.signature.valueBlock.valueHexView);
    sig[10] = (sig[10] ?? 0) ^ 0xff;
    basic.signature = new asn1js.BitString({ valueHex: sig });
  }
  const response = new pkijs.OCSPResponse({
    responseStatus: new asn1js.Enumerated({ value: 0 }),
    responseBytes: new pkijs.ResponseBytes({
      responseType: '1.3.6.1.5.5.7.48.1.1',
      response: new asn1js.OctetString({ valueHex: basic.toSchema().toBER(false) }),
    }),
  });
  return new Uint8Array(response.toSchema().toBER(false));
}

export async function createPkiFixtures(): Promise<PkiFixtures> {
  const revoked = new Set<string>();
  const unknown = new Set<string>();
  let ocspSignerRef: TestCert | undefined;
  let caRef: TestCert | undefined;

  const ocsp: TestResponder = { url: '', mode: 'up', requests: 0 };
  const crl: TestResponder = { url: '', mode: 'up', requests: 0 };

  const ocspServer = await listen(async (req, res) => {
    ocsp.requests++;
    const body = await readBody(req);
    if (ocsp.mode === 'down' || req.method !== 'POST' || !ocspSignerRef) {
      res.writeHead(503).end();
      return;
    }
    const request = pkijs.OCSPRequest.fromBER(body);
    const answer = await ocspAnswer(
      request,
      ocspSignerRef,
      (serial) => (revoked.has(serial) ? 'revoked' : unknown.has(serial) ? 'unknown' : 'good'),
      ocsp.mode === 'bad_signature',
    );
    res.writeHead(200, { 'content-type': 'application/ocsp-response' }).end(Buffer.from(answer));
  });
  const crlServer = await listen(async (_req, res) => {
    crl.requests++;
    if (crl.mode === 'down' || !caRef) {
      res.writeHead(503).end();
      return;
    }
    const list = new pkijs.CertificateRevocationList();
    list.version = 1;
    list.issuer = caRef.cert.subject;
    list.thisUpdate = new pkijs.Time({ type: 0, value: new Date(Date.now() - 60_000) });
    list.nextUpdate = new pkijs.Time({ type: 0, value: new Date(Date.now() + 3600_000) });
    if (revoked.size > 0) {
      list.revokedCertificates = [...revoked].map(
        (serial) =>
          new pkijs.RevokedCertificate({
            userCertificate: new asn1js.Integer({ valueHex: Buffer.from(serial, 'hex') }),
            revocationDate: new pkijs.Time({ type: 0, value: new Date(Date.now() - DAY) }),
          }),
      );
    }
    await list.sign(caRef.keys.privateKey, 'SHA-256');
    const der = Buffer.from(list.toSchema(true).toBER(false));
    if (crl.mode === 'bad_signature') der[der.length - 5] = (der[der.length - 5] ?? 0) ^ 0xff;
    res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(der);
  });
  ocsp.url = `${ocspServer.base}/ocsp`;
  crl.url = `${crlServer.base}/moica.crl`;

  const root = await issue({
    subject: 'C=TW, O=edu-idp test, CN=Test GRCA',
    ca: true,
    usages: [USAGE.keyCertSign, USAGE.cRLSign],
    notAfter: new Date(Date.now() + 3650 * DAY),
  });
  const ca = await issue({
    // MOICA's subject has no CN (reference §10.3)
    subject: 'C=TW, O=行政院, OU=內政部憑證管理中心',
    issuer: root,
    ca: true,
    usages: [USAGE.keyCertSign, USAGE.cRLSign],
    notAfter: new Date(Date.now() + 3000 * DAY),
  });
  caRef = ca;
  const ocspSigner = await issue({
    subject: 'C=TW, O=行政院, OU=內政部憑證管理中心, CN=Test MOICA OCSP',
    issuer: ca,
    usages: [USAGE.digitalSignature],
    extensions: [
      ext('2.5.29.37', false, new pkijs.ExtKeyUsage({ keyPurposes: ['1.3.6.1.5.5.7.3.9'] }).toSchema()),
    ],
  });
  ocspSignerRef = ocspSigner;
  const otherRoot = await issue({
    subject: 'C=TW, O=行政院, OU=內政部憑證管理中心',
    ca: true,
    usages: [USAGE.keyCertSign, USAGE.cRLSign],
  });

  const userExtensions = (digits: string) => [
    lastFourExtension(digits),
    ext(
      '1.3.6.1.5.5.7.1.1',
      false,
      new pkijs.InfoAccess({
        accessDescriptions: [
          new pkijs.AccessDescription({ accessMethod: '1.3.6.1.5.5.7.48.1', accessLocation: uri(ocsp.url) }),
        ],
      }).toSchema(),
    ),
    ext(
      '2.5.29.31',
      false,
      new pkijs.CRLDistributionPoints({
        distributionPoints: [new pkijs.DistributionPoint({ distributionPoint: [uri(crl.url)] })],
      }).toSchema(),
    ),
  ];
  const user = (name: string, o: Partial<IssueOptions> = {}) =>
    issue({
      subject: `C=TW, CN=${name}, serialNumber=0000000012345678`,
      issuer: ca,
      usages: [USAGE.digitalSignature, USAGE.nonRepudiation],
      extensions: userExtensions('6789'),
      ...o,
    });
  const users: Record<UserCase, TestCert> = {
    valid: await user('王小明'),
    expired: await user('王小明', {
      notBefore: new Date(Date.now() - 800 * DAY),
      notAfter: new Date(Date.now() - 2 * DAY),
    }),
    revoked: await user('王小明'),
    expiring: await user('王小明', { notAfter: new Date(Date.now() + 10 * DAY) }),
    wrongUsage: await user('王小明', {
      usages: [USAGE.keyEncipherment, USAGE.dataEncipherment],
    }),
    otherCa: await user('王小明', { issuer: otherRoot }),
    unknownToOcsp: await user('王小明'),
  };
  revoked.add(users.revoked.serial);
  unknown.add(users.unknownToOcsp.serial);

  const dir = mkdtempSync(join(tmpdir(), 'edu-idp-pki-'));
  const anchorsFile = join(dir, 'anchors.pem');
  writeFileSync(anchorsFile, root.pem + ca.pem);

  return {
    root,
    ca,
    ocspSigner,
    otherRoot,
    users,
    anchorsFile,
    ocsp,
    crl,
    revoke(cert) {
      revoked.add(cert.serial);
    },
    async close() {
      for (const s of [ocspServer.server, crlServer.server]) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * What the HiPKI signer answers to MakeSignature with signatureType PKCS7: a CMS SignedData
 * (RFC 5652) with the tbs encapsulated, signed attributes (content type, message digest,
 * signing time) and the signer certificate, base64. `detached` leaves the content out.
 */
export async function signPkcs7(
  tbs: Uint8Array,
  signer: TestCert,
  opts: { detached?: boolean; extraCerts?: TestCert[] } = {},
): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', tbs));
  const signed = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: '1.2.840.113549.1.7.1',
      ...(opts.detached ? {} : { eContent: new asn1js.OctetString({ valueHex: tbs }) }),
    }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({
          issuer: signer.cert.issuer,
          serialNumber: signer.cert.serialNumber,
        }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            new pkijs.Attribute({
              type: '1.2.840.113549.1.9.3',
              values: [new asn1js.ObjectIdentifier({ value: '1.2.840.113549.1.7.1' })],
            }),
            new pkijs.Attribute({
              type: '1.2.840.113549.1.9.5',
              values: [new asn1js.UTCTime({ valueDate: new Date() })],
            }),
            new pkijs.Attribute({
              type: '1.2.840.113549.1.9.4',
              values: [new asn1js.OctetString({ valueHex: digest })],
            }),
          ],
        }),
      }),
    ],
    certificates: [signer.cert, ...(opts.extraCerts ?? []).map((c) => c.cert)],
  });
  await signed.sign(signer.keys.privateKey, 0, 'SHA-256', opts.detached ? tbs : undefined);
  const info = new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: signed.toSchema(true) });
  return Buffer.from(info.toSchema().toBER(false)).toString('base64');
}

/** The certificate as the signer's certb64. */
export const certB64 = (c: TestCert) => Buffer.from(c.der).toString('base64');
