import { ACR, type LoginMethod } from '../types.js';
import { mountPasskeyRoutes, renderPasskeyPage } from './routes.js';

/**
 * Passkey: a discoverable WebAuthn credential with user verification required. RFC 8176
 * 'hwk' (proof of possession of a hardware-secured key) and 'user' (the authenticator tested
 * the user). Synced passkeys count as hwk too: on each device the private key is used only
 * inside the platform's secure element or TPM, and sync moves it end-to-end encrypted between
 * those; the backup state is kept with each passkey (data.backedUp) for a stricter policy.
 */
export const passkeyMethod: LoginMethod = {
  id: 'passkey',
  amr: ['hwk', 'user'],
  acr: ACR.passkey,
  link: { label: 'method.passkey' },
  render: renderPasskeyPage,
  mount: mountPasskeyRoutes,
};
