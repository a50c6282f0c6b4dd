import type Router from '@koa/router';
import type { InteractionDeps } from '../deps.js';

export type MethodId = 'password';

/** A login method: one folder, one registry line, one view partial (STYLE.md §2). */
export interface LoginMethod {
  readonly id: MethodId;
  /** RFC 8176 authentication method references */
  readonly amr: readonly string[];
  readonly acr: string;
  /** Mounts the method's routes under /interaction/:uid/<id>/… */
  mount(router: Router, deps: InteractionDeps): void;
}

/** Authentication context classes, weakest first; published in discovery. */
export const ACR = {
  password: 'urn:edu-idp:acr:password',
} as const;
