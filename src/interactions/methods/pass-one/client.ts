/**
 * The passOne URL's own client: a static first-party public client (PKCE, no consent) whose
 * authorization request opens the login step directly on the passOne form (LoginMethod
 * clientIds) and whose redirect ends on the "password is set" page.
 */
import type { ClientInput } from '../../../services/clients.js';

export const PASS_ONE_CLIENT_ID = 'edu-idp-passone';
export const PASS_ONE_PATH = '/passone';
export const passOneDoneUrl = (issuer: string) => `${issuer}${PASS_ONE_PATH}/done`;

export function passOneClient(issuer: string): ClientInput {
  return {
    client_id: PASS_ONE_CLIENT_ID,
    client_name: 'passOne 一次登入',
    redirect_uris: [passOneDoneUrl(issuer)],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    scope: 'openid',
    first_party: true,
  };
}
