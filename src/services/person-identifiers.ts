/**
 * personid and guid (reference §4.2): stable per-person identifiers for RPs that key their
 * users on a person rather than on an account (Changhua's edu_key, 因材網's guid).
 *
 * Both are HMAC-SHA256 under subkeys of the key-encryption key, over the normalised national
 * ID when the account has one (so a person keeps them across a new account), else over the
 * account id. The hashed input of MOE's own values is NOT FOUND, so they are not comparable
 * with MOE's or a county's; a bare SHA-256 of a national ID (about 5·10⁹ possible values) is
 * reversed by enumeration, hence the key. Rotating KEY_ENCRYPTION_KEY changes both.
 */
import type { Account } from '../adapters/db/accounts.js';
import { normalizeNationalId, unsealNationalId } from './national-id.js';
import type { SecretBox } from './secret-box.js';

export interface PersonIdentifiers {
  /** 64 lower-case hex characters */
  personid(account: Account): string;
  /** 64 upper-case hex characters, the form of the county AX guid (reference §7.3) */
  guid(account: Account): string;
}

export function createPersonIdentifiers(box: SecretBox): PersonIdentifiers {
  // the prefixes keep a national ID and an account id from ever hashing to the same value
  const input = (account: Account) =>
    account.nationalIdSealed
      ? `national-id:${normalizeNationalId(unsealNationalId(box, account.nationalIdSealed))}`
      : `account:${account.id}`;
  return {
    personid: (account) => box.keyedDigest('personid', input(account)).toString('hex'),
    guid: (account) => box.keyedDigest('guid', input(account)).toString('hex').toUpperCase(),
  };
}
