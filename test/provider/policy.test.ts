import { describe, expect, it } from '@jest/globals';
import { ACR } from '../../src/interactions/methods/types.js';
import {
  acrRank,
  computeLoginPolicy,
  firstKnownAcr,
  meetsAcr,
  type PolicyInput,
  type PolicyRule,
} from '../../src/provider/policy.js';

const base: PolicyInput = {
  clientId: 'school-app',
  client: {},
  account: { identityType: 'staff', isAdmin: false },
  rules: [],
  adminRequiredAcr: ACR.passkey,
  consoleClientId: 'edu-idp-console',
};

const rule = (r: Partial<PolicyRule>): PolicyRule => ({
  clientId: null,
  identityType: null,
  allowedMethods: [],
  requiredAcr: null,
  ...r,
});

describe('acr ranking', () => {
  it('ranks acr values in the order of the ACR constants, unknown ones below all', () => {
    expect(acrRank(ACR.passOne)).toBeLessThan(acrRank(ACR.password));
    expect(acrRank(ACR.password)).toBeLessThan(acrRank(ACR.passkey));
    expect(acrRank(ACR.passkey)).toBeLessThan(acrRank(ACR.certificate));
    expect(acrRank('urn:other:acr')).toBe(-1);
    expect(meetsAcr(ACR.certificate, ACR.passkey)).toBe(true);
    expect(meetsAcr(ACR.password, ACR.passkey)).toBe(false);
    expect(meetsAcr(undefined, ACR.passOne)).toBe(false);
    expect(meetsAcr(undefined, undefined)).toBe(true);
  });

  it('takes the first acr_values entry the OP knows, ignoring unknown ones', () => {
    expect(firstKnownAcr(`urn:mace:incommon:iap:silver ${ACR.passkey} ${ACR.certificate}`)).toBe(ACR.passkey);
    expect(firstKnownAcr('urn:mace:incommon:iap:silver 0')).toBeUndefined();
    expect(firstKnownAcr(undefined)).toBeUndefined();
  });
});

describe('computeLoginPolicy', () => {
  const rules = [
    rule({ allowedMethods: ['password', 'passkey'] }),
    rule({ identityType: 'staff', allowedMethods: ['password', 'certificate'] }),
    rule({ clientId: 'school-app', allowedMethods: ['passkey'], requiredAcr: ACR.passkey }),
    rule({ clientId: 'school-app', identityType: 'staff', allowedMethods: ['certificate'] }),
    rule({ clientId: 'other-app', identityType: 'staff', allowedMethods: ['fido'] }),
  ];

  it('applies the most specific rule: client+identity > client > identity > county-wide', () => {
    expect(computeLoginPolicy({ ...base, rules }).allowedMethods).toEqual(['certificate']);
    const teacher = { ...base, rules, account: { identityType: 'teacher', isAdmin: false } };
    expect(computeLoginPolicy(teacher)).toEqual({ allowedMethods: ['passkey'], requiredAcr: ACR.passkey });
    const elsewhere = { ...base, rules, clientId: 'third-app' };
    expect(computeLoginPolicy(elsewhere).allowedMethods).toEqual(['password', 'certificate']);
    const teacherElsewhere = { ...elsewhere, account: { identityType: 'teacher', isAdmin: false } };
    expect(computeLoginPolicy(teacherElsewhere).allowedMethods).toEqual(['password', 'passkey']);
    expect(computeLoginPolicy(base)).toEqual({ allowedMethods: [], requiredAcr: undefined });
  });

  it('requires the strongest of the rule, default_acr_values and the first known acr_values entry', () => {
    const withRule = { ...base, rules: [rule({ requiredAcr: ACR.password })] };
    expect(computeLoginPolicy(withRule).requiredAcr).toBe(ACR.password);
    expect(
      computeLoginPolicy({ ...withRule, client: { default_acr_values: [ACR.passkey, ACR.passOne] } })
        .requiredAcr,
    ).toBe(ACR.passkey);
    expect(computeLoginPolicy({ ...withRule, acrValues: `urn:unknown ${ACR.certificate}` }).requiredAcr).toBe(
      ACR.certificate,
    );
    // a weaker request does not lower the rule's requirement
    expect(computeLoginPolicy({ ...withRule, acrValues: ACR.passOne }).requiredAcr).toBe(ACR.password);
    // unknown values only: nothing is required by the request
    expect(computeLoginPolicy({ ...base, acrValues: 'urn:unknown 1' }).requiredAcr).toBeUndefined();
    expect(
      computeLoginPolicy({ ...base, client: { default_acr_values: ['urn:x'] } }).requiredAcr,
    ).toBeUndefined();
  });

  it('puts the admin floor on admins at the console and at admin-scope clients only', () => {
    const admin = { ...base, account: { identityType: 'teacher', isAdmin: true } };
    expect(computeLoginPolicy({ ...admin, clientId: 'edu-idp-console' }).requiredAcr).toBe(ACR.passkey);
    expect(computeLoginPolicy({ ...admin, client: { scope: 'openid admin' } }).requiredAcr).toBe(ACR.passkey);
    expect(computeLoginPolicy({ ...admin, client: { scope: 'openid profile' } }).requiredAcr).toBeUndefined();
    // not an admin: no floor at the console either
    expect(computeLoginPolicy({ ...base, clientId: 'edu-idp-console' }).requiredAcr).toBeUndefined();
    // configurable, and a stronger request still wins
    expect(
      computeLoginPolicy({ ...admin, clientId: 'edu-idp-console', adminRequiredAcr: ACR.certificate })
        .requiredAcr,
    ).toBe(ACR.certificate);
    expect(
      computeLoginPolicy({ ...admin, clientId: 'edu-idp-console', acrValues: ACR.certificate }).requiredAcr,
    ).toBe(ACR.certificate);
  });
});
