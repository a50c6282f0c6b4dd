/**
 * oidc-provider's findAccount. Claims come from the account row; the directory claims
 * (eduinfo, openid2, personid, guid; reference §2, §4) are computed only when a granted scope
 * asks for them, so a `claims` request parameter alone never reaches them.
 */
import type { FindAccount } from 'oidc-provider';
import { type AccountService, accountClaims } from '../services/accounts.js';
import type { EduInfoService } from '../services/eduinfo.js';
import type { PersonIdentifiers } from '../services/person-identifiers.js';

export interface DirectoryClaimSources {
  eduinfo: EduInfoService;
  identifiers: PersonIdentifiers;
}

const EDUINFO_CLAIMS = ['schoolid', 'titles', 'classinfo'] as const;

/** A disabled or deleted account yields no claims and no tokens. */
export function createFindAccount(accounts: AccountService, sources: DirectoryClaimSources): FindAccount {
  return async (_ctx, sub) => {
    const account = await accounts.findById(sub);
    if (account?.status !== 'active') return undefined;
    return {
      accountId: account.id,
      async claims(use, scope, requested) {
        const scopes = new Set(scope.split(' '));
        const claims = accountClaims(account);
        if (scopes.has('openid2')) {
          // MOE's Java sample reads open2_id (reference §4.2): the same array under both names
          claims.openid2_id = [...account.openid2Ids];
          claims.open2_id = [...account.openid2Ids];
        }
        // eduinfo goes to userinfo; in an ID token (which travels back in logout URLs as
        // id_token_hint) only when the claims parameter asks for it by name
        const wantsEduInfo =
          scopes.has('eduinfo') &&
          (use === 'userinfo' || EDUINFO_CLAIMS.some((name) => requested?.[name] !== undefined));
        if (wantsEduInfo) {
          const { schoolid, titles, classinfo } = await sources.eduinfo.find(account);
          Object.assign(claims, { schoolid, titles, classinfo });
        }
        if (scopes.has('personid')) claims.personid = sources.identifiers.personid(account);
        if (scopes.has('guid')) claims.guid = sources.identifiers.guid(account);
        return claims as { sub: string };
      },
    };
  };
}
