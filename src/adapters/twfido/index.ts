/** TW FidO (行動自然人憑證) service-provider API: reference §8. */
export { computeChecksum, verifyChecksum } from './checksum.js';
export * from './client.js';
export { errorFor, systemCodeOf, twFidoErrors } from './errors.js';
export * from './signature.js';
export { decodeSpTicket, encodeSpTicket, type SpTicketPayload } from './ticket.js';
