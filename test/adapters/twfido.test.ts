/**
 * The TW FidO SP client (src/adapters/twfido) against the local simulator, whose checksums and
 * tickets are an independent implementation of reference §8.3.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  computeChecksum,
  createTwFidoClient,
  decodeSpTicket,
  encodeSpTicket,
  errorFor,
  parseTrustAnchors,
  systemCodeOf,
  type TwFidoClient,
  verifyChecksum,
  verifySignedLogin,
} from '../../src/adapters/twfido/index.js';
import { isAppError } from '../../src/errors.js';
import { withCheckDigit } from '../../src/services/national-id.js';
import { startTwFidoSimulator, type TwFidoSimulator } from '../helpers/twfido-simulator.js';

const KEY = createHash('sha256').update('twfido test key').digest();
const ID = withCheckDigit('A12398765');
const OTHER_ID = withCheckDigit('B22345671');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isAppError(err)) return err.code;
    throw err;
  }
  throw new Error('expected an AppError');
}

const signInfo = (tbs: string) =>
  ({ sign_type: 'PKCS#1', sign_data: tbs, tbs_encoding: 'NONE', hash_algorithm: 'SHA256' }) as const;
const ticketRequest = (idNum: string, tbs = `edu-idp login ${Math.random()}`) => ({
  idNum,
  opCode: 'ATH' as const,
  hint: '教育網路單一帳號登入，確認碼 1234',
  timeLimit: 60,
  signInfo: signInfo(tbs),
});

describe('checksums (§8.3)', () => {
  it('is hex(zero IV) + hex(AES-256-GCM(SHA256_HEX(payload)) ‖ tag), deterministic', () => {
    const fields = ['txn-1', 'SP01', ID, 'ATH', 'I-SCAN', '提示', 'tbs'];
    const sum = computeChecksum(KEY, fields);
    expect(sum).toMatch(/^0{24}[0-9a-f]{160}$/);
    expect(computeChecksum(KEY, fields)).toBe(sum);
    // the same steps spelled out: the ciphertext is of the 64 hex characters, not the digest
    const digestHex = createHash('sha256').update(fields.join(''), 'utf8').digest('hex');
    const cipher = createCipheriv('aes-256-gcm', KEY, Buffer.alloc(12));
    const ct = Buffer.concat([cipher.update(digestHex, 'ascii'), cipher.final(), cipher.getAuthTag()]);
    expect(sum).toBe(`${'00'.repeat(12)}${ct.toString('hex')}`);
  });

  it('round-trips, and treats absent fields as ""', () => {
    const sum = computeChecksum(KEY, ['a', undefined, 'c', null]);
    expect(verifyChecksum(KEY, sum, ['a', '', 'c', ''])).toBe(true);
    expect(verifyChecksum(KEY, sum, ['a', 'c'])).toBe(true); // concatenation, as the spec says
  });

  it('detects a changed field, a changed checksum, another key and garbage', () => {
    const fields = ['txn-1', '0', 'hashed', 'signature'];
    const sum = computeChecksum(KEY, fields);
    expect(verifyChecksum(KEY, sum, ['txn-1', '0', 'hashed', 'signaturE'])).toBe(false);
    const flipped = sum.slice(0, 60) + (sum[60] === 'a' ? 'b' : 'a') + sum.slice(61);
    expect(verifyChecksum(KEY, flipped, fields)).toBe(false);
    expect(verifyChecksum(createHash('sha256').update('other').digest(), sum, fields)).toBe(false);
    for (const bad of ['', 'zz', sum.slice(2), undefined, 42])
      expect(verifyChecksum(KEY, bad, fields)).toBe(false);
  });
});

describe('sp_ticket (§8.3)', () => {
  it('decodes a ticket and refuses one whose digest does not match', () => {
    const ticket = encodeSpTicket({ transaction_id: 't', sp_ticket_id: 'tid-1', op_code: 'ATH' });
    expect(decodeSpTicket(ticket)).toEqual({ transaction_id: 't', sp_ticket_id: 'tid-1', op_code: 'ATH' });
    const [first] = ticket.split('.');
    const forged = `${Buffer.from('{"sp_ticket_id":"tid-2"}').toString('base64url')}.${ticket.split('.')[1]}`;
    expect(decodeSpTicket(forged)).toBeUndefined();
    expect(decodeSpTicket(`${first}`)).toBeUndefined();
    expect(decodeSpTicket('not a ticket')).toBeUndefined();
  });
});

describe('error codes (§8.2 table 5-1-1)', () => {
  it('maps each documented code to its message', () => {
    expect(systemCodeOf('SP-API-ATH-01-INV_SP_CHECKSUM')).toBe('INV_SP_CHECKSUM');
    expect(systemCodeOf('SP-API-LF-01-IDNUM_USERPROF_NF')).toBe('IDNUM_USERPROF_NF');
    const cases: Record<string, string> = {
      'SP-API-ATH-01-IDNUM_USERPROF_NF': 'fido.not_registered',
      'SP-API-ATH-03-IDNUM_DEVPROF_NF': 'fido.no_device',
      'SP-API-ATH-02-SPTKT_OVD': 'fido.timed_out',
      'SP-API-ATH-02-SPTKTID_SPTKT_RDM': 'fido.ticket_used',
      'SP-API-ATH-02-APP_USER_CANCEL': 'fido.denied',
      'SP-API-ATH-02-APP_SIGN_FAILURE': 'fido.sign_failed',
      'SP-API-ATH-03-PS_FCM_NOT_FOUND': 'fido.push_unavailable',
      'SP-API-ATH-01-PM_IDN_FT_ERR': 'national_id.invalid',
      'SP-API-ATH-01-INV_SP_CHECKSUM': 'fido.service_error',
      'SP-API-ATH-01-TXNLOG_INS_ERR': 'fido.service_error',
      'SP-API-ATH-01-SOMETHING_NEW': 'fido.service_error',
    };
    for (const [code, ours] of Object.entries(cases)) expect(errorFor(code).code).toBe(ours);
    expect(errorFor('SP-API-ATH-01-INV_SP_CHECKSUM').status).toBe(502);
  });
});

describe('createTwFidoClient against the simulator', () => {
  let sim: TwFidoSimulator;
  let client: TwFidoClient;
  beforeAll(async () => {
    sim = await startTwFidoSimulator();
    client = createTwFidoClient({
      baseUrl: sim.url,
      spServiceId: sim.serviceId,
      spKey: Buffer.from(sim.keyBase64, 'base64'),
    });
  }, 30_000);
  afterAll(() => sim.close());
  beforeEach(() => sim.reset());

  it('getSpTicket sends the documented body and checksum; the ticket names its sp_ticket_id', async () => {
    await sim.addPhone(ID, { manual: true });
    const ticket = await client.getSpTicket(ticketRequest(ID, 'tbs-1'));
    expect(decodeSpTicket(ticket.spTicket)?.sp_ticket_id).toBe(ticket.spTicketId);
    const [req] = sim.requests;
    expect(req).toMatchObject({ iface: 'getSpTicket', errorCode: '0' });
    expect(req!.body).toMatchObject({
      sp_service_id: sim.serviceId,
      id_num: ID,
      op_code: 'ATH',
      op_mode: 'I-SCAN',
      sign_info: { sign_type: 'PKCS#1', sign_data: 'tbs-1', tbs_encoding: 'NONE', hash_algorithm: 'SHA256' },
    });
    expect(req!.body.transaction_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('requestAthOrSignPush: the push mode, with its own checksum order', async () => {
    await sim.addPhone(ID, { manual: true });
    const ticket = await client.requestAthOrSignPush(ticketRequest(ID));
    expect(ticket.spTicketId).toBe(sim.ticketOf(ID)?.spTicketId);
    expect(sim.ticketOf(ID)?.mode).toBe('push');
    expect(sim.requests[0]!.body).not.toHaveProperty('op_mode');
  });

  it('polls: not ready until the phone acts, then the result once, then "used"', async () => {
    await sim.addPhone(ID, { manual: true });
    const ticket = await client.getSpTicket(ticketRequest(ID, 'tbs-poll'));
    expect(await client.getAthOrSignResult(ticket.spTicketId)).toEqual({ status: 'pending' });
    await sim.act(ID);
    // the simulator refuses a poll within 4 s of the last one, as the service asks
    expect(await codeOf(client.getAthOrSignResult(ticket.spTicketId))).toBe('fido.service_error');
    await sleep(4000);
    const done = await client.getAthOrSignResult(ticket.spTicketId);
    expect(done).toMatchObject({ status: 'done', hashedIdNum: sim.hashedIdNum(ID) });
    await sleep(4000);
    expect(await codeOf(client.getAthOrSignResult(ticket.spTicketId))).toBe('fido.ticket_used');
    // every request used a new transaction_id
    const ids = sim.requests.map((r) => r.body.transaction_id);
    expect(new Set(ids).size).toBe(ids.length);
  }, 20_000);

  it('reports the phone: denied, timed out, sign failure', async () => {
    for (const [behaviour, code] of [
      ['deny', 'fido.denied'],
      ['timeout', 'fido.timed_out'],
      ['sign-failure', 'fido.sign_failed'],
    ] as const) {
      await sim.addPhone(ID, { behaviour });
      const ticket = await client.getSpTicket(ticketRequest(ID));
      expect(await codeOf(client.getAthOrSignResult(ticket.spTicketId))).toBe(code);
    }
  });

  it('reports not registered, no biometrics (no device) and a stale push registration', async () => {
    expect(await codeOf(client.getSpTicket(ticketRequest(OTHER_ID)))).toBe('fido.not_registered');
    await sim.addPhone(ID, { behaviour: 'no-biometrics' });
    expect(await codeOf(client.getSpTicket(ticketRequest(ID)))).toBe('fido.no_device');
    expect(await client.checkDeviceStatus(ID)).toEqual({ isFido: false, isMcertSign: true });
    await sim.addPhone(ID, { behaviour: 'stale-push' });
    expect(await codeOf(client.requestAthOrSignPush(ticketRequest(ID)))).toBe('fido.push_unavailable');
    expect(await client.checkDeviceStatus(ID)).toEqual({ isFido: true, isMcertSign: true });
  });

  it('is refused with a wrong key (INV_SP_CHECKSUM → service error)', async () => {
    await sim.addPhone(ID);
    const wrong = createTwFidoClient({ baseUrl: sim.url, spServiceId: sim.serviceId, spKey: KEY });
    expect(await codeOf(wrong.getSpTicket(ticketRequest(ID)))).toBe('fido.service_error');
    expect(sim.requests[0]?.errorCode).toBe('SP-API-ATH-01-INV_SP_CHECKSUM');
  });

  describe('a tampered answer (idp_checksum)', () => {
    let proxy: Server;
    let tamper: (result: Record<string, unknown>) => void = () => undefined;
    let proxied: TwFidoClient;
    beforeAll(async () => {
      proxy = createServer((req, res) => {
        void (async () => {
          const chunks: Buffer[] = [];
          for await (const c of req) chunks.push(c as Buffer);
          const upstream = await fetch(`${sim.url}${req.url}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: Buffer.concat(chunks),
          });
          const answer = (await upstream.json()) as { result: Record<string, unknown> };
          if (answer.result) tamper(answer.result);
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
        })();
      });
      await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
      proxied = createTwFidoClient({
        baseUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
        spServiceId: sim.serviceId,
        spKey: Buffer.from(sim.keyBase64, 'base64'),
      });
    });
    afterAll(async () => {
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
    });

    it('is detected for the ticket and for the result', async () => {
      await sim.addPhone(ID);
      tamper = (r) => {
        if (typeof r.sp_ticket === 'string')
          r.sp_ticket = encodeSpTicket({ transaction_id: 'x', sp_ticket_id: 'evil', op_code: 'ATH' });
      };
      expect(await codeOf(proxied.getSpTicket(ticketRequest(ID)))).toBe('fido.service_error');
      tamper = () => undefined;
      const ticket = await proxied.getSpTicket(ticketRequest(ID));
      tamper = (r) => {
        if (typeof r.hashed_id_num === 'string') r.hashed_id_num = sim.hashedIdNum(OTHER_ID);
      };
      expect(await codeOf(proxied.getAthOrSignResult(ticket.spTicketId))).toBe('fido.service_error');
    });
  });
});

describe('verifySignedLogin (§8.4, §10)', () => {
  let sim: TwFidoSimulator;
  let client: TwFidoClient;
  beforeAll(async () => {
    sim = await startTwFidoSimulator();
    client = createTwFidoClient({
      baseUrl: sim.url,
      spServiceId: sim.serviceId,
      spKey: Buffer.from(sim.keyBase64, 'base64'),
    });
  }, 30_000);
  afterAll(() => sim.close());

  async function approvedLogin(opts: Parameters<TwFidoSimulator['addPhone']>[1] = {}) {
    sim.reset();
    await sim.addPhone(ID, opts);
    const tbs = `edu-idp login ${Math.random()}`;
    const ticket = await client.getSpTicket(ticketRequest(ID, tbs));
    const result = await client.getAthOrSignResult(ticket.spTicketId);
    if (result.status !== 'done') throw new Error('not approved');
    return { tbs, result };
  }
  const anchors = () => parseTrustAnchors([sim.anchorPem]);
  const verifyCode = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return isAppError(err) ? err.code : String(err);
    }
    return 'verified';
  };

  it('accepts the phone signature over our TBS with a certificate of the trust anchor', async () => {
    const { tbs, result } = await approvedLogin({ name: '陳大文' });
    const holder = verifySignedLogin(
      { tbs, signedResponse: result.signedResponse, cert: result.cert, expectedLast4: ID.slice(-4) },
      anchors(),
    );
    expect(holder).toMatchObject({ last4: ID.slice(-4), commonName: '陳大文' });
    expect(holder.notAfter.getTime()).toBeGreaterThan(Date.now());
    expect(holder.issuer).toContain('內政部憑證管理中心');
  });

  it('refuses another TBS, another national ID, no anchor, an expired or untrusted certificate', async () => {
    const { tbs, result } = await approvedLogin();
    const login = {
      tbs,
      signedResponse: result.signedResponse,
      cert: result.cert,
      expectedLast4: ID.slice(-4),
    };
    expect(verifyCode(() => verifySignedLogin({ ...login, tbs: `${tbs}x` }, anchors()))).toBe(
      'fido.signature_invalid',
    );
    expect(verifyCode(() => verifySignedLogin({ ...login, expectedLast4: '0000' }, anchors()))).toBe(
      'fido.certificate_invalid',
    );
    expect(verifyCode(() => verifySignedLogin(login, []))).toBe('fido.certificate_invalid');
    expect(verifyCode(() => verifySignedLogin({ ...login, cert: 'AAAA' }, anchors()))).toBe(
      'fido.certificate_invalid',
    );
    // the holder certificate itself is no anchor: it is not a CA
    expect(
      verifyCode(() =>
        verifySignedLogin(
          login,
          parseTrustAnchors([`-----BEGIN CERTIFICATE-----\n${result.cert}\n-----END CERTIFICATE-----`]),
        ),
      ),
    ).toBe('fido.certificate_invalid');
    // valid later, not now
    expect(
      verifyCode(() => verifySignedLogin(login, anchors(), new Date(Date.now() + 400 * 86400_000))),
    ).toBe('fido.certificate_invalid');

    const expired = await approvedLogin({ cert: 'expired' });
    expect(
      verifyCode(() =>
        verifySignedLogin(
          {
            tbs: expired.tbs,
            signedResponse: expired.result.signedResponse,
            cert: expired.result.cert,
            expectedLast4: ID.slice(-4),
          },
          anchors(),
        ),
      ),
    ).toBe('fido.certificate_invalid');
    const untrusted = await approvedLogin({ cert: 'untrusted' });
    expect(
      verifyCode(() =>
        verifySignedLogin(
          {
            tbs: untrusted.tbs,
            signedResponse: untrusted.result.signedResponse,
            cert: untrusted.result.cert,
            expectedLast4: ID.slice(-4),
          },
          anchors(),
        ),
      ),
    ).toBe('fido.certificate_invalid');
  }, 30_000);
});
