/**
 * A local TW FidO service (reference §8) for the tests: the same interfaces, the same
 * checksums, and a "phone" per national ID.
 *
 * It is written apart from src/adapters/twfido (WebCrypto AES-GCM here, node:crypto there;
 * its own ticket encoding), so the client and the simulator check each other's reading of
 * §8.3 rather than sharing one.
 *
 * * A test CA made at start (@peculiar/x509 + WebCrypto, RSA 2048): a root, a MOICA-like
 *   intermediate (the trust anchor), and per phone a holder certificate with the identity
 *   fields of §10.2 (CN = name; Subject Directory Attributes 2.16.886.1.100.2.51 = the last 4
 *   ID digits; key usage digitalSignature + nonRepudiation). A phone may instead hold an
 *   expired certificate, or one from another ("untrusted") CA.
 * * A phone approves (PKCS#1 signature over the TBS), denies (APP_USER_CANCEL), times out
 *   (SPTKT_OVD), fails to sign (APP_SIGN_FAILURE), signs another text ('wrong-tbs'), is not
 *   registered (IDNUM_USERPROF_NF), has no biometrics / no device (IDNUM_DEVPROF_NF), or has a
 *   stale push registration (PS_FCM_NOT_FOUND). It acts when the ticket is made (after
 *   `delayMs`), or, with `manual`, when the test calls act().
 * * Results exist only after the phone acted (SPTKTID_TXNLOG_NF before) and can be collected
 *   once (SPTKTID_SPTKT_RDM after). A transaction_id is accepted once (TXNLOG_INS_ERR).
 * * Polls of one ticket closer than 4 s are answered with POLL_TOO_FREQUENT (a code of this
 *   simulator only: the real one's reaction is not documented) and every poll time is kept.
 */
import 'reflect-metadata'; // @peculiar/x509's dependency injection (tsyringe) needs it first
import { createHash, webcrypto } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const RSA: webcrypto.RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};

export type PhoneBehaviour =
  | 'approve'
  | 'deny'
  | 'timeout'
  | 'sign-failure'
  | 'wrong-tbs'
  | 'not-registered'
  | 'no-biometrics'
  | 'stale-push';

export interface PhoneOptions {
  behaviour?: PhoneBehaviour;
  /** wait for act() instead of acting when the ticket is made */
  manual?: boolean;
  delayMs?: number;
  /** the holder certificate: a valid one of the test CA (default), expired, or another CA's */
  cert?: 'valid' | 'expired' | 'untrusted';
  name?: string;
}

interface Phone {
  idNum: string;
  behaviour: PhoneBehaviour;
  manual: boolean;
  delayMs: number;
  certB64: string;
  key: CryptoKey;
}

type TicketState = 'pending' | 'approved' | 'denied' | 'timeout' | 'sign-failure';

interface Ticket {
  spTicketId: string;
  idNum: string;
  tbs: string;
  hint: string;
  mode: 'I-SCAN' | 'push';
  state: TicketState;
  signedResponse?: string;
  expiresAt: number;
  redeemed: boolean;
  polls: number[];
}

export interface SimRequest {
  iface: string;
  body: Record<string, unknown>;
  errorCode: string;
}

export interface TwFidoSimulator {
  /** TWFIDO_API_URL */
  url: string;
  serviceId: string;
  /** TWFIDO_SP_KEY */
  keyBase64: string;
  /** PEM of the MOICA-like intermediate (TWFIDO_TRUST_ANCHORS) */
  anchorPem: string;
  /** the env for startTestInstance, given the anchor's file path */
  env(anchorPath: string, extra?: Record<string, string>): Record<string, string>;
  addPhone(idNum: string, opts?: PhoneOptions): Promise<void>;
  /** a manual phone acts on its newest pending ticket */
  act(idNum: string): Promise<void>;
  /** the stable per-person hash the service reports */
  hashedIdNum(idNum: string): string;
  /** every request, oldest first */
  readonly requests: SimRequest[];
  /** the newest ticket of a national ID */
  ticketOf(idNum: string): Ticket | undefined;
  /** forget phones, tickets and requests (between tests) */
  reset(): void;
  close(): Promise<void>;
}

const subtle = webcrypto.subtle;
const hex = (b: ArrayBuffer | Uint8Array) =>
  Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString('hex');

/** §8.3 as the service does it: hex(zero IV) + hex(AES-256-GCM(key, SHA256_HEX(payload))). */
async function checksum(key: CryptoKey, fields: readonly string[]): Promise<string> {
  const digest = hex(await subtle.digest('SHA-256', new TextEncoder().encode(fields.join(''))));
  const iv = new Uint8Array(12);
  const sealed = await subtle.encrypt(
    { name: 'AES-GCM', iv, tagLength: 128 },
    key,
    new TextEncoder().encode(digest),
  );
  return hex(iv) + hex(sealed);
}

function b64url(data: string | Uint8Array): string {
  return Buffer.from(data).toString('base64url');
}

async function makeTicket(payload: { transaction_id: string; sp_ticket_id: string; op_code: string }) {
  const first = b64url(JSON.stringify(payload));
  const digest = new Uint8Array(await subtle.digest('SHA-256', new TextEncoder().encode(first)));
  return `${first}.${b64url(digest)}`;
}

/** Subject Directory Attributes with 2.16.886.1.100.2.51 = last 4 ID digits (§10.2). */
function idLast4Extension(last4: string): x509.Extension {
  const value = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({
        value: [
          new asn1js.ObjectIdentifier({ value: '2.16.886.1.100.2.51' }),
          new asn1js.Set({ value: [new asn1js.PrintableString({ value: last4 })] }),
        ],
      }),
    ],
  });
  return new x509.Extension('2.5.29.9', false, value.toBER());
}

interface Ca {
  root: x509.X509Certificate;
  intermediate: x509.X509Certificate;
  intermediateKeys: CryptoKeyPair;
}

async function createCa(label: string): Promise<Ca> {
  const rootKeys = (await subtle.generateKey(RSA, true, ['sign', 'verify'])) as CryptoKeyPair;
  const day = 24 * 3600_000;
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `C=TW, O=${label}, CN=${label} Root CA`,
    notBefore: new Date(Date.now() - day),
    notAfter: new Date(Date.now() + 3650 * day),
    keys: rootKeys,
    signingAlgorithm: RSA,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const intermediateKeys = (await subtle.generateKey(RSA, true, ['sign', 'verify'])) as CryptoKeyPair;
  const intermediate = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    // MOICA's subject shape (§10.3): C, O, OU and no CN
    subject: `C=TW, O=${label}, OU=內政部憑證管理中心`,
    issuer: root.subject,
    notBefore: new Date(Date.now() - day),
    notAfter: new Date(Date.now() + 3650 * day),
    publicKey: intermediateKeys.publicKey,
    signingKey: rootKeys.privateKey,
    signingAlgorithm: RSA,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return { root, intermediate, intermediateKeys };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const s = (v: unknown) => (typeof v === 'string' ? v : '');

const IFACE_IDS: Record<string, string> = {
  getSpTicket: 'SP-API-ATH-01',
  getAthOrSignResult: 'SP-API-ATH-02',
  requestAthOrSignPush: 'SP-API-ATH-03',
  checkDeviceStatus: 'SP-API-LF-01',
};

export async function startTwFidoSimulator(): Promise<TwFidoSimulator> {
  const rawKey = webcrypto.getRandomValues(new Uint8Array(32));
  const aesKey = await subtle.importKey('raw', rawKey, 'AES-GCM', false, ['encrypt']);
  const serviceId = 'SP-EDU-IDP-TEST';
  const ca = await createCa('行政院');
  const rogue = await createCa('Rogue');
  const phones = new Map<string, Phone>();
  const tickets = new Map<string, Ticket>();
  const transactions = new Set<string>();
  const requests: SimRequest[] = [];
  let serial = 0x1000;

  // the real algorithm is not public (§8.4): any stable per-person value will do
  const hashedIdNum = (idNum: string) => createHash('sha256').update(`sim-hash:${idNum}`).digest('hex');

  async function issueHolder(idNum: string, name: string, kind: 'valid' | 'expired' | 'untrusted') {
    const keys = (await subtle.generateKey(RSA, true, ['sign', 'verify'])) as CryptoKeyPair;
    const issuer = kind === 'untrusted' ? rogue : ca;
    const day = 24 * 3600_000;
    serial += 1;
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial.toString(16),
      subject: `C=TW, CN=${name}, 2.5.4.5=${serial.toString(16).toUpperCase()}`,
      issuer: issuer.intermediate.subject,
      notBefore: new Date(Date.now() - (kind === 'expired' ? 800 : 1) * day),
      notAfter: new Date(Date.now() + (kind === 'expired' ? -1 : 365) * day),
      publicKey: keys.publicKey,
      signingKey: issuer.intermediateKeys.privateKey,
      signingAlgorithm: RSA,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
          true,
        ),
        idLast4Extension(idNum.slice(-4)),
      ],
    });
    return { certB64: Buffer.from(cert.rawData).toString('base64'), key: keys.privateKey };
  }

  async function phoneActs(ticket: Ticket, phone: Phone) {
    if (ticket.state !== 'pending') return;
    switch (phone.behaviour) {
      case 'approve':
      case 'wrong-tbs': {
        const text = phone.behaviour === 'approve' ? ticket.tbs : `${ticket.tbs} (another)`;
        const sig = await subtle.sign('RSASSA-PKCS1-v1_5', phone.key, new TextEncoder().encode(text));
        ticket.signedResponse = Buffer.from(sig).toString('base64');
        ticket.state = 'approved';
        break;
      }
      case 'deny':
        ticket.state = 'denied';
        break;
      case 'sign-failure':
        ticket.state = 'sign-failure';
        break;
      case 'timeout':
        // the user never looked: the ticket runs out
        ticket.state = 'timeout';
        ticket.expiresAt = Date.now() - 1;
        break;
      default:
        break;
    }
  }

  async function issueTicket(
    iface: string,
    body: Record<string, unknown>,
  ): Promise<[string, Record<string, unknown>]> {
    const id = IFACE_IDS[iface]!;
    const txn = s(body.transaction_id);
    const signInfo = (body.sign_info ?? {}) as Record<string, unknown>;
    const fields =
      iface === 'getSpTicket'
        ? [
            txn,
            s(body.sp_service_id),
            s(body.id_num),
            s(body.op_code),
            s(body.op_mode),
            s(body.hint),
            s(signInfo.sign_data),
          ]
        : [
            txn,
            s(body.sp_service_id),
            s(body.id_num),
            s(body.device_user_def_desc),
            s(body.op_code),
            s(body.hint),
            s(signInfo.sign_data),
          ];
    if (s(body.sp_checksum) !== (await checksum(aesKey, fields))) return [`${id}-INV_SP_CHECKSUM`, {}];
    if (!/^[A-Z][12489A-D]\d{8}$/.test(s(body.id_num))) return [`${id}-PM_IDN_FT_ERR`, {}];
    const phone = phones.get(s(body.id_num));
    if (!phone || phone.behaviour === 'not-registered') return [`${id}-IDNUM_USERPROF_NF`, {}];
    if (phone.behaviour === 'no-biometrics') return [`${id}-IDNUM_DEVPROF_NF`, {}];
    if (iface === 'requestAthOrSignPush' && phone.behaviour === 'stale-push')
      return [`${id}-PS_FCM_NOT_FOUND`, {}];
    if (signInfo.sign_type !== 'PKCS#1' || signInfo.hash_algorithm !== 'SHA256')
      return [`${id}-PM_SIGNINFO_ERR`, {}];
    const spTicketId = webcrypto.randomUUID();
    const ticket: Ticket = {
      spTicketId,
      idNum: phone.idNum,
      tbs: s(signInfo.sign_data),
      hint: s(body.hint),
      mode: iface === 'getSpTicket' ? 'I-SCAN' : 'push',
      state: 'pending',
      expiresAt: Date.now() + Number(body.time_limit ?? 60) * 1000,
      redeemed: false,
      polls: [],
    };
    tickets.set(spTicketId, ticket);
    if (!phone.manual) {
      if (phone.delayMs > 0) setTimeout(() => void phoneActs(ticket, phone), phone.delayMs).unref();
      else await phoneActs(ticket, phone);
    }
    const spTicket = await makeTicket({
      transaction_id: txn,
      sp_ticket_id: spTicketId,
      op_code: s(body.op_code),
    });
    return ['0', { sp_ticket: spTicket, idp_checksum: await checksum(aesKey, [txn, '0', spTicket]) }];
  }

  async function result(body: Record<string, unknown>): Promise<[string, Record<string, unknown>]> {
    const id = IFACE_IDS.getAthOrSignResult!;
    const txn = s(body.transaction_id);
    const ticketId = s(body.sp_ticket_id);
    if (s(body.sp_checksum) !== (await checksum(aesKey, [txn, s(body.sp_service_id), ticketId]))) {
      return [`${id}-INV_SP_CHECKSUM`, {}];
    }
    const ticket = tickets.get(ticketId);
    if (!ticket) return [`${id}-SPTKTID_TXNLOG_NF`, {}];
    const now = Date.now();
    const last = ticket.polls.at(-1);
    ticket.polls.push(now);
    if (last !== undefined && now - last < 4000) return [`${id}-POLL_TOO_FREQUENT`, {}];
    if (ticket.redeemed) return [`${id}-SPTKTID_SPTKT_RDM`, {}];
    if (ticket.state === 'timeout' || (ticket.state === 'pending' && now > ticket.expiresAt)) {
      return [`${id}-SPTKT_OVD`, {}];
    }
    if (ticket.state === 'pending') return [`${id}-SPTKTID_TXNLOG_NF`, {}];
    if (ticket.state === 'denied') return [`${id}-APP_USER_CANCEL`, {}];
    if (ticket.state === 'sign-failure') return [`${id}-APP_SIGN_FAILURE`, {}];
    ticket.redeemed = true;
    const phone = phones.get(ticket.idNum)!;
    const hashed = hashedIdNum(ticket.idNum);
    const signed = ticket.signedResponse!;
    return [
      '0',
      {
        hashed_id_num: hashed,
        signed_response: signed,
        cert: phone.certB64,
        idp_checksum: await checksum(aesKey, [txn, '0', hashed, signed]),
      },
    ];
  }

  async function deviceStatus(body: Record<string, unknown>): Promise<[string, Record<string, unknown>]> {
    const id = IFACE_IDS.checkDeviceStatus!;
    const txn = s(body.transaction_id);
    if (s(body.sp_checksum) !== (await checksum(aesKey, [txn, s(body.sp_service_id), s(body.id_num)]))) {
      return [`${id}-INV_SP_CHECKSUM`, {}];
    }
    const phone = phones.get(s(body.id_num));
    if (!phone || phone.behaviour === 'not-registered') return [`${id}-IDNUM_USERPROF_NF`, {}];
    const isFido = phone.behaviour === 'no-biometrics' ? 'N' : 'Y';
    return [
      '0',
      { is_fido: isFido, is_mcert_sign: 'Y', idp_checksum: await checksum(aesKey, [txn, '0', isFido, 'Y']) },
    ];
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const match = /^\/moise\/sp\/(\w+)$/.exec(req.url ?? '');
      const iface = match?.[1] ?? '';
      if (req.method !== 'POST' || !IFACE_IDS[iface]) {
        res.writeHead(404).end();
        return;
      }
      const body = await readJson(req);
      const txn = s(body.transaction_id);
      let answer: [string, Record<string, unknown>];
      if (!txn || txn.length > 100 || transactions.has(txn))
        answer = [`${IFACE_IDS[iface]}-TXNLOG_INS_ERR`, {}];
      else if (s(body.sp_service_id) !== serviceId) answer = [`${IFACE_IDS[iface]}-INV_SP_CHECKSUM`, {}];
      else {
        transactions.add(txn);
        answer =
          iface === 'getAthOrSignResult'
            ? await result(body)
            : iface === 'checkDeviceStatus'
              ? await deviceStatus(body)
              : await issueTicket(iface, body);
      }
      const [errorCode, resultBody] = answer;
      requests.push({ iface, body, errorCode });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error_code: errorCode,
          error_message: errorCode === '0' ? '成功' : errorCode,
          result: resultBody,
        }),
      );
    })().catch((err: unknown) => {
      res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const keyBase64 = Buffer.from(rawKey).toString('base64');

  return {
    url,
    serviceId,
    keyBase64,
    anchorPem: ca.intermediate.toString('pem'),
    env: (anchorPath, extra = {}) => ({
      TWFIDO_API_URL: url,
      TWFIDO_SP_SERVICE_ID: serviceId,
      TWFIDO_SP_KEY: keyBase64,
      TWFIDO_TRUST_ANCHORS: anchorPath,
      ...extra,
    }),
    async addPhone(idNum, opts = {}) {
      const holder = await issueHolder(idNum, opts.name ?? '王小明', opts.cert ?? 'valid');
      phones.set(idNum, {
        idNum,
        behaviour: opts.behaviour ?? 'approve',
        manual: opts.manual ?? false,
        delayMs: opts.delayMs ?? 0,
        ...holder,
      });
    },
    async act(idNum) {
      const phone = phones.get(idNum);
      const ticket = [...tickets.values()].reverse().find((t) => t.idNum === idNum && t.state === 'pending');
      if (phone && ticket) await phoneActs(ticket, phone);
    },
    hashedIdNum,
    requests,
    ticketOf: (idNum) => [...tickets.values()].reverse().find((t) => t.idNum === idNum),
    reset() {
      phones.clear();
      tickets.clear();
      requests.length = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
