import { ACR, type LoginMethod } from '../types.js';
import { mountFidoRoutes, renderFido } from './routes.js';

/**
 * 行動自然人憑證 (TW FidO, reference §8): the national ID, then approval on the phone with its
 * biometrics and the holder's MOICA key; a person binds their account once.
 *
 * amr (RFC 8176): 'hwk' (a signature by a hardware-protected key: the phone's MOICA key) and
 * 'mfa' (the phone, plus the fingerprint or face the app requires: seeds FAQ 7, 12). Which
 * biometric the phone used is not reported, so neither 'fpt' nor 'face' is claimed.
 * acr: the certificate level, shared with the card (自然人憑證): a MOICA certificate's key.
 */
export const fidoMethod: LoginMethod = {
  id: 'fido',
  amr: ['hwk', 'mfa'],
  acr: ACR.certificate,
  link: { label: 'method.fido' },
  enabled: (config) => config.twfido !== undefined,
  render: renderFido,
  mount: mountFidoRoutes,
};
