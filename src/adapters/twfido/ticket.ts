/**
 * The sp_ticket (reference §8.3, FOUND): BASE64URL(payloadJson) + "." + BASE64URL(SHA256(first
 * segment)). The payload holds transaction_id, sp_ticket_id and op_code. The digest is an
 * integrity check, not a MAC: the ticket is trusted because its response's idp_checksum is.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export interface SpTicketPayload {
  transaction_id: string;
  sp_ticket_id: string;
  op_code: string;
}

/** Builds a ticket (the simulator's side of the protocol). */
export function encodeSpTicket(payload: SpTicketPayload): string {
  const first = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${first}.${createHash('sha256').update(first, 'ascii').digest('base64url')}`;
}

/** The ticket's payload, or undefined for anything malformed or with a wrong digest. */
export function decodeSpTicket(ticket: string): SpTicketPayload | undefined {
  const [first, digest, ...rest] = ticket.split('.');
  if (!first || !digest || rest.length) return undefined;
  const expected = createHash('sha256').update(first, 'ascii').digest();
  const given = Buffer.from(digest, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(first, 'base64url').toString('utf8')) as Partial<SpTicketPayload>;
    if (typeof payload.sp_ticket_id !== 'string' || !payload.sp_ticket_id) return undefined;
    return {
      transaction_id: String(payload.transaction_id ?? ''),
      sp_ticket_id: payload.sp_ticket_id,
      op_code: String(payload.op_code ?? ''),
    };
  } catch {
    return undefined;
  }
}
