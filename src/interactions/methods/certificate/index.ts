import { ACR, type LoginMethod } from '../types.js';
import { mountCertificateRoutes, renderCertificatePage } from './routes.js';

/**
 * 自然人憑證 on a smart card, signed through the HiPKI local signer (reference §9, §10).
 * RFC 8176 'sc' (smart card) and 'pin' (the card's PIN unlocked the key): possession and
 * knowledge, the strongest context we offer.
 */
export const certificateMethod: LoginMethod = {
  id: 'certificate',
  amr: ['sc', 'pin'],
  acr: ACR.certificate,
  link: { label: 'method.certificate' },
  render: renderCertificatePage,
  mount: mountCertificateRoutes,
};
