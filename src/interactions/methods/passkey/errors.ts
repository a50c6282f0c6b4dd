/**
 * The passkey method's error codes. Login and registration share them, so the catalogue lives
 * with the passkey service (services/passkeys.ts); each code is also a message key.
 */
export { passkeyErrors } from '../../../services/passkeys.js';
