/**
 * The registry of login methods. A method missing here does not compile (satisfies).
 */

import { certificateMethod } from './certificate/index.js';
import { fidoMethod } from './fido/index.js';
import { passOneMethod } from './pass-one/index.js';
import { passkeyMethod } from './passkey/index.js';
import { passwordMethod } from './password/index.js';
import type { LoginMethod, MethodId } from './types.js';

export const loginMethods = {
  'pass-one': passOneMethod,
  password: passwordMethod,
  passkey: passkeyMethod,
  fido: fidoMethod,
  certificate: certificateMethod,
} as const satisfies Record<MethodId, LoginMethod>;

export const acrValues: readonly string[] = [...new Set(Object.values(loginMethods).map((m) => m.acr))];

export function methodById(id: string): LoginMethod | undefined {
  return (loginMethods as Record<string, LoginMethod>)[id];
}
