/**
 * The registry of login methods. A method missing here does not compile (satisfies).
 */
import { passwordMethod } from './password/index.js';
import type { LoginMethod, MethodId } from './types.js';

export const loginMethods = {
  password: passwordMethod,
} as const satisfies Record<MethodId, LoginMethod>;

export const acrValues: readonly string[] = [...new Set(Object.values(loginMethods).map((m) => m.acr))];

export function methodById(id: string): LoginMethod | undefined {
  return (loginMethods as Record<string, LoginMethod>)[id];
}
