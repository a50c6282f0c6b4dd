/**
 * Login policy (issue 4, 啟用登入機制): which login methods an account may use at a client,
 * and which assurance (acr) the sign-in needs. A rule such as "staff must use the certificate
 * for the school administration system" is data here, never code inside a method (STYLE §2).
 *
 * computeLoginPolicy is pure; createLoginPolicy adds the I/O (the account's identity type,
 * county and roles, the county's rules). Both the provider's login prompt (configuration.ts,
 * the 'edu_step_up' check) and finishLogin ask it, so the page, the step-up and the refusal
 * agree.
 *
 *   allowedMethods  the most specific rule of the account's county wins:
 *                   client+identity > client > identity > county-wide; none = every method
 *   requiredAcr     the strongest of: that rule's required_acr, the client's
 *                   default_acr_values (its first entry), the request's acr_values (the first
 *                   entry the OP knows; OIDC Core §3.1.2.1, unknown values ignored), and for
 *                   an admin (any role_assignments row) at the admin console or a client with
 *                   the admin scope, ADMIN_REQUIRED_ACR
 *
 * acr values rank in the order of the ACR constants (weakest first).
 */
import { ACR, type MethodId } from '../interactions/methods/types.js';

export interface LoginPolicy {
  /** the methods the account may use here; empty = every method */
  allowedMethods: MethodId[];
  /** the weakest acr the session must have for this client; undefined = any */
  requiredAcr: string | undefined;
}

export interface PolicyRule {
  clientId: string | null;
  identityType: string | null;
  allowedMethods: readonly string[];
  requiredAcr: string | null;
}

const ORDER: readonly string[] = Object.values(ACR);

/** Rank of an acr value (0 = weakest); -1 for a value the OP does not know. */
export function acrRank(acr: string | undefined | null): number {
  return acr ? ORDER.indexOf(acr) : -1;
}

export const isKnownAcr = (acr: unknown): acr is string => typeof acr === 'string' && ORDER.includes(acr);

/** Whether a session at `acr` meets `required` (anything meets no requirement). */
export function meetsAcr(acr: string | undefined | null, required: string | undefined): boolean {
  return required === undefined || acrRank(acr) >= acrRank(required);
}

/** The stronger of known acr values; undefined when none is known. */
export function strongestAcr(values: ReadonlyArray<string | null | undefined>): string | undefined {
  let best: string | undefined;
  for (const v of values) if (isKnownAcr(v) && acrRank(v) > acrRank(best)) best = v;
  return best;
}

/** The first value of a space-separated acr_values (or a list) that the OP knows. */
export function firstKnownAcr(values: string | readonly string[] | undefined | null): string | undefined {
  const list = typeof values === 'string' ? values.split(' ') : (values ?? []);
  return list.find(isKnownAcr);
}

/** The most specific rule: client+identity > client > identity > county-wide. */
export function mostSpecificRule<R extends PolicyRule>(
  rules: readonly R[],
  clientId: string,
  identityType: string | null | undefined,
): R | undefined {
  const score = (r: R) =>
    (r.clientId === null ? 0 : r.clientId === clientId ? 2 : -10) +
    (r.identityType === null ? 0 : r.identityType === identityType ? 1 : -10);
  return [...rules].filter((r) => score(r) >= 0).sort((a, b) => score(b) - score(a))[0];
}

export interface PolicyInput {
  clientId: string;
  /** the client's metadata: default_acr_values, scope */
  client: { default_acr_values?: unknown; scope?: unknown };
  account: { identityType: string | null; isAdmin: boolean };
  /** the county's rules (any of them; the applicable one is chosen here) */
  rules: readonly PolicyRule[];
  /** the request's acr_values (space-separated) */
  acrValues?: string | undefined;
  adminRequiredAcr: string;
  consoleClientId: string;
}

export function computeLoginPolicy(p: PolicyInput): LoginPolicy {
  const rule = mostSpecificRule(p.rules, p.clientId, p.account.identityType);
  const scopes = typeof p.client.scope === 'string' ? p.client.scope.split(' ') : [];
  const adminClient = p.clientId === p.consoleClientId || scopes.includes('admin');
  const defaults = Array.isArray(p.client.default_acr_values) ? p.client.default_acr_values : [];
  const requiredAcr = strongestAcr([
    rule?.requiredAcr,
    isKnownAcr(defaults[0]) ? defaults[0] : undefined,
    firstKnownAcr(p.acrValues),
    p.account.isAdmin && adminClient ? p.adminRequiredAcr : undefined,
  ]);
  return { allowedMethods: [...(rule?.allowedMethods ?? [])] as MethodId[], requiredAcr };
}

/** What the policy needs to know about an account. */
export interface PolicyAccount {
  identityType: string | null;
  /** the county of the account's school; null for an account at no school */
  countyId: string | null;
  /** holds any admin role */
  isAdmin: boolean;
}

/** The I/O of the policy: services/login-policies.ts. */
export interface LoginPolicySource {
  policyAccount(accountId: string): Promise<PolicyAccount | undefined>;
  rulesFor(q: { countyId: string; clientId: string; identityType: string | null }): Promise<PolicyRule[]>;
}

export interface LoginPolicyRequest {
  clientId: string;
  client: PolicyInput['client'];
  accountId: string;
  acrValues?: string | undefined;
}

export type LoginPolicyResolver = (req: LoginPolicyRequest) => Promise<LoginPolicy>;

export function createLoginPolicy(
  source: LoginPolicySource,
  options: { adminRequiredAcr: string; consoleClientId: string },
): LoginPolicyResolver {
  return async (req) => {
    const account = (await source.policyAccount(req.accountId)) ?? {
      identityType: null,
      countyId: null,
      isAdmin: false,
    };
    const rules = account.countyId
      ? await source.rulesFor({
          countyId: account.countyId,
          clientId: req.clientId,
          identityType: account.identityType,
        })
      : [];
    return computeLoginPolicy({
      clientId: req.clientId,
      client: req.client,
      account,
      rules,
      acrValues: req.acrValues,
      ...options,
    });
  };
}

const METHOD_SET = {
  'pass-one': true,
  password: true,
  passkey: true,
  fido: true,
  certificate: true,
} as const satisfies Record<MethodId, true>;

/** Every MethodId, in the registry's order (a new method that is missing here does not compile). */
export const METHOD_IDS = Object.keys(METHOD_SET) as MethodId[];
