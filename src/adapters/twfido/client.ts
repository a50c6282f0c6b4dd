/**
 * The TW FidO (行動自然人憑證) service-provider client, reference §8. Server to server:
 * POST {base}/moise/sp/<interface> with a JSON body, answered {error_code, error_message,
 * result} where "0" is success. Every request carries a fresh transaction_id (a UUID; the
 * service rejects a reused one with TXNLOG_INS_ERR), the sp_service_id and the sp_checksum;
 * every successful answer's idp_checksum is verified before anything in it is used.
 *
 * Checksum payloads (field order), reference §8.3:
 *   getSpTicket           sp:  transaction_id sp_service_id id_num op_code op_mode hint sign_data  FOUND
 *   getAthOrSignResult    sp:  transaction_id sp_service_id sp_ticket_id                          FOUND
 *   requestAthOrSignPush  sp:  transaction_id sp_service_id id_num device_user_def_desc op_code
 *                              hint sign_data                                      INFERRED-likely
 *   ticket answers        idp: transaction_id error_code sp_ticket                 INFERRED-likely
 *   result answer         idp: transaction_id error_code hashed_id_num signed_response
 *                                                                                  INFERRED-likely
 *   checkDeviceStatus     sp:  transaction_id sp_service_id id_num                 INFERRED
 *                         idp: transaction_id error_code is_fido is_mcert_sign     INFERRED (guess)
 * The transaction_id of an idp_checksum is the one we sent.
 *
 * @throws fido.* (errors.ts) for the service's error codes, national_id.invalid for
 *         PM_IDN_FT_ERR, fido.service_error for transport problems and bad checksums
 */
import { randomUUID } from 'node:crypto';
import { computeChecksum, verifyChecksum } from './checksum.js';
import { errorFor, NOT_READY, twFidoErrors } from './errors.js';
import { decodeSpTicket } from './ticket.js';

/** Production API host (reference §8.1); UAT is https://fidoapi-test.moi.gov.tw. */
export const TWFIDO_PRODUCTION_URL = 'https://fidoapi.moi.gov.tw';

export interface TwFidoClientOptions {
  /** https://fidoapi.moi.gov.tw (production) or https://fidoapi-test.moi.gov.tw (UAT) */
  baseUrl: string;
  spServiceId: string;
  /** the AES-256 key of onboarding (base64 in config) */
  spKey: Buffer;
  /** per request; the user's browser waits for the ticket */
  timeoutMs?: number;
}

export interface SignInfo {
  sign_type: 'PKCS#1' | 'PKCS#7' | 'RAW';
  sign_data: string;
  tbs_encoding: 'NONE' | 'base64';
  hash_algorithm: 'SHA1' | 'SHA256' | 'SHA384' | 'SHA512';
}

export interface TicketRequest {
  idNum: string;
  opCode: 'ATH' | 'SIGN';
  /** shown on the phone */
  hint: string;
  /** seconds the user has to approve */
  timeLimit: number;
  signInfo: SignInfo;
}

export interface SpTicket {
  /** what the I-SCAN QR code shows */
  spTicket: string;
  spTicketId: string;
}

export type AthOrSignResult =
  | { status: 'pending' }
  | { status: 'done'; hashedIdNum: string; signedResponse: string; cert: string };

export interface DeviceStatus {
  isFido: boolean;
  isMcertSign: boolean;
}

export interface TwFidoClient {
  /** SP-API-ATH-01, I-SCAN (QR code) mode */
  getSpTicket(req: TicketRequest): Promise<SpTicket>;
  /** SP-API-ATH-03: a push notification to the user's registered phone */
  requestAthOrSignPush(req: TicketRequest & { deviceUserDefDesc?: string }): Promise<SpTicket>;
  /** SP-API-ATH-02; callers wait ≥ 4 s between calls for one ticket */
  getAthOrSignResult(spTicketId: string): Promise<AthOrSignResult>;
  /** SP-API-LF-01 */
  checkDeviceStatus(idNum: string): Promise<DeviceStatus>;
}

interface Answer {
  error_code: string;
  result: Record<string, unknown>;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function createTwFidoClient(opts: TwFidoClientOptions): TwFidoClient {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 10_000;

  async function call(iface: string, body: Record<string, unknown>): Promise<Answer> {
    let res: Response;
    try {
      res = await fetch(`${base}/moise/sp/${iface}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw twFidoErrors.service_error(`TW FidO ${iface} unreachable: ${(err as Error).message}`);
    }
    const answer = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (!answer || typeof answer.error_code !== 'string') {
      throw twFidoErrors.service_error(`TW FidO ${iface} answered HTTP ${res.status} without an error_code`);
    }
    const result = answer.result && typeof answer.result === 'object' ? answer.result : {};
    return { error_code: answer.error_code, result: result as Record<string, unknown> };
  }

  function checked(answer: Answer, fields: string[]): void {
    if (!verifyChecksum(opts.spKey, answer.result.idp_checksum, fields)) {
      throw twFidoErrors.service_error('TW FidO answer with a wrong idp_checksum');
    }
  }

  async function ticket(
    iface: 'getSpTicket' | 'requestAthOrSignPush',
    body: Record<string, unknown>,
    spFields: string[],
  ): Promise<SpTicket> {
    const transactionId = body.transaction_id as string;
    const answer = await call(iface, { ...body, sp_checksum: computeChecksum(opts.spKey, spFields) });
    if (answer.error_code !== '0') throw errorFor(answer.error_code);
    const spTicket = str(answer.result.sp_ticket);
    checked(answer, [transactionId, answer.error_code, spTicket]);
    const payload = decodeSpTicket(spTicket);
    if (!payload) throw twFidoErrors.service_error('TW FidO sent a malformed sp_ticket');
    return { spTicket, spTicketId: payload.sp_ticket_id };
  }

  return {
    getSpTicket(req) {
      const transactionId = randomUUID();
      const opMode = 'I-SCAN';
      return ticket(
        'getSpTicket',
        {
          transaction_id: transactionId,
          sp_service_id: opts.spServiceId,
          id_num: req.idNum,
          op_code: req.opCode,
          op_mode: opMode,
          hint: req.hint,
          time_limit: String(req.timeLimit),
          sign_info: req.signInfo,
        },
        [transactionId, opts.spServiceId, req.idNum, req.opCode, opMode, req.hint, req.signInfo.sign_data],
      );
    },

    requestAthOrSignPush(req) {
      const transactionId = randomUUID();
      const desc = req.deviceUserDefDesc ?? '';
      return ticket(
        'requestAthOrSignPush',
        {
          transaction_id: transactionId,
          sp_service_id: opts.spServiceId,
          id_num: req.idNum,
          device_user_def_desc: desc,
          op_code: req.opCode,
          hint: req.hint,
          time_limit: String(req.timeLimit),
          sign_info: req.signInfo,
        },
        [transactionId, opts.spServiceId, req.idNum, desc, req.opCode, req.hint, req.signInfo.sign_data],
      );
    },

    async getAthOrSignResult(spTicketId) {
      const transactionId = randomUUID();
      const answer = await call('getAthOrSignResult', {
        transaction_id: transactionId,
        sp_service_id: opts.spServiceId,
        sp_ticket_id: spTicketId,
        sp_checksum: computeChecksum(opts.spKey, [transactionId, opts.spServiceId, spTicketId]),
      });
      if (answer.error_code !== '0') {
        if (answer.error_code.endsWith(NOT_READY)) return { status: 'pending' };
        throw errorFor(answer.error_code);
      }
      const { hashed_id_num, signed_response, cert } = answer.result;
      const hashedIdNum = str(hashed_id_num);
      const signedResponse = str(signed_response);
      checked(answer, [transactionId, answer.error_code, hashedIdNum, signedResponse]);
      if (!hashedIdNum || !signedResponse || !str(cert)) {
        throw twFidoErrors.service_error('TW FidO result without hashed_id_num, signed_response or cert');
      }
      return { status: 'done', hashedIdNum, signedResponse, cert: str(cert) };
    },

    async checkDeviceStatus(idNum) {
      const transactionId = randomUUID();
      const answer = await call('checkDeviceStatus', {
        transaction_id: transactionId,
        sp_service_id: opts.spServiceId,
        id_num: idNum,
        sp_checksum: computeChecksum(opts.spKey, [transactionId, opts.spServiceId, idNum]),
      });
      if (answer.error_code !== '0') throw errorFor(answer.error_code);
      const isFido = str(answer.result.is_fido);
      const isMcertSign = str(answer.result.is_mcert_sign);
      checked(answer, [transactionId, answer.error_code, isFido, isMcertSign]);
      return { isFido: isFido === 'Y', isMcertSign: isMcertSign === 'Y' };
    },
  };
}
