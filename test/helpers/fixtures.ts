import type { Runtime } from '../../src/runtime.js';
import type { ClientInput } from '../../src/services/clients.js';

export const PASSWORD = 'correct horse battery staple';

export async function createAccount(
  runtime: Runtime,
  overrides: Partial<{
    username: string;
    password: string;
    mustChangePassword: boolean;
    status: 'active' | 'disabled';
  }> = {},
) {
  const { account } = await runtime.accounts.upsert({
    username: overrides.username ?? 'aa1234',
    password: overrides.password ?? PASSWORD,
    email: 'aa1234@kl.edu.tw',
    emailVerified: true,
    name: '王小明',
    familyName: '王',
    givenName: '小明',
    mustChangePassword: overrides.mustChangePassword ?? false,
    status: overrides.status ?? 'active',
  });
  return account;
}

export const CLIENT_SECRET = 'school-app-secret-0123456789abcdef';

export async function createClient(runtime: Runtime, overrides: Partial<ClientInput> = {}) {
  const input: ClientInput = {
    client_id: 'school-app',
    client_secret: CLIENT_SECRET,
    client_name: '校務系統',
    redirect_uris: ['https://app.example.edu.tw/callback'],
    post_logout_redirect_uris: ['https://app.example.edu.tw/bye'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'openid profile email offline_access',
    ...overrides,
  };
  await runtime.clients.upsert(input);
  return input;
}
