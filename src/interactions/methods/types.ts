import type Router from '@koa/router';
import type { Context } from 'koa';
import type { MessageKey } from '../../../views/i18n.js';
import type { Config } from '../../config.js';
import type { InteractionDeps } from '../deps.js';
import type { RenderOptions } from '../pages.js';

export type MethodId = 'password' | 'passkey' | 'pass-one' | 'fido' | 'certificate';

/** A login method: one folder, one registry line, one view partial (STYLE.md §2). */
export interface LoginMethod {
  readonly id: MethodId;
  /** RFC 8176 authentication method references */
  readonly amr: readonly string[];
  readonly acr: string;
  /**
   * How the login page offers the method: a button to GET /interaction/:uid/<id>. Absent for
   * the password form (the page itself) and for methods reached another way (passOne's URL).
   */
  readonly link?: { readonly label: MessageKey };
  /** Whether the deployment offers the method (TW FidO needs its service credentials); default yes. */
  enabled?(config: Config): boolean;
  /**
   * The method's own page at the login step (passOne's form): renderInteraction shows it for
   * GET /interaction/:uid/<id>, for the clients in clientIds, and when a failed attempt of the
   * method (ctx.state.attempt) brings the form back with its message.
   */
  render?(ctx: Context, deps: InteractionDeps, opts: RenderOptions): Promise<void>;
  /** Clients whose login opens directly on this method's page instead of the login page. */
  readonly clientIds?: readonly string[];
  /** Mounts the method's routes under /interaction/:uid/<id>/… */
  mount(router: Router, deps: InteractionDeps): void;
}

/** Authentication context classes, weakest first; published in discovery. */
export const ACR = {
  // passOne: a printed one-time code, the weakest context
  passOne: 'urn:edu-idp:acr:pass-one',
  password: 'urn:edu-idp:acr:password',
  passkey: 'urn:edu-idp:acr:passkey',
  // a MOICA certificate's key: the card (自然人憑證) and the phone (行動自然人憑證)
  certificate: 'urn:edu-idp:acr:certificate',
} as const;
