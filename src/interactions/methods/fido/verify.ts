/**
 * The steps of a TW FidO login, on the interaction's state (one record, key 'fido', in the
 * short-lived store with the interaction's expiry):
 *
 *   start  national ID → ticket (QR or push) with our one-time TBS          phase 'waiting'
 *   poll   at most once per TWFIDO_POLL_INTERVAL (≥ 4 s, reference §8.2), however often the
 *          browser reloads: the last poll time is in the state
 *          → not ready: wait; → approved: verify signature and certificate, then the binding
 *          → bound: the account id; not bound yet: phase 'bind'
 *   bind   username + password of the account, once → the account id
 *
 * The national ID itself is not kept: the state holds its keyed hash, its last 4 characters
 * (compared with the certificate) and its masked form.
 */

import { twFidoErrors } from '../../../adapters/twfido/errors.js';
import type { AccountService } from '../../../services/accounts.js';
import { maskNationalId } from '../../../services/national-id.js';
import type { ApprovedLogin, TwFidoLogin, TwFidoMode } from '../../../services/twfido-login.js';
import { fidoMethodErrors } from './errors.js';
import type { FidoBindInput, FidoStartInput } from './schema.js';

export const FIDO_STATE = 'fido';

/** Slack after the ticket's time limit before we stop asking the service ourselves. */
const GRACE_MS = 10_000;

export interface FidoState extends Record<string, unknown> {
  phase: 'waiting' | 'bind';
  mode: TwFidoMode;
  /** the QR code's content (I-SCAN mode) */
  spTicket?: string | undefined;
  spTicketId: string;
  tbs: string;
  code: string;
  idHash: string;
  last4: string;
  maskedId: string;
  /** epoch ms */
  startedAt: number;
  deadline: number;
  lastPollAt: number;
  /** set when the phone approved and no account is bound yet (phase 'bind') */
  approved?: {
    hashedIdNum: string;
    holder: { serial: string; issuer: string; subject: string; notAfter: string; last4: string };
  };
}

/** @throws fido.not_registered | no_device | push_unavailable | service_error, national_id.invalid */
export async function startFido(
  login: TwFidoLogin,
  input: FidoStartInput,
  now = Date.now(),
): Promise<FidoState> {
  const started = await login.start({ idNum: input.national_id, mode: input.mode });
  return {
    phase: 'waiting',
    mode: input.mode,
    spTicket: input.mode === 'qr' ? started.spTicket : undefined,
    spTicketId: started.spTicketId,
    tbs: started.tbs,
    code: started.code,
    idHash: login.idHash(input.national_id),
    last4: input.national_id.slice(-4),
    maskedId: maskNationalId(input.national_id),
    startedAt: now,
    deadline: now + login.timeLimit * 1000,
    lastPollAt: 0,
  };
}

export type PollOutcome = { next: 'wait' } | { next: 'bind' } | { next: 'login'; accountId: string };

/**
 * Asks the service for the result if the poll interval has passed; updates `state` in place
 * (the caller saves it).
 * @throws fido.timed_out | denied | sign_failed | ticket_used | not_registered | no_device |
 *         service_error | signature_invalid | certificate_invalid | account_disabled
 */
export async function pollFido(
  deps: { twfido: TwFidoLogin; accounts: AccountService },
  state: FidoState,
  now = Date.now(),
): Promise<PollOutcome> {
  const login = deps.twfido;
  if (state.phase === 'bind') return { next: 'bind' };
  if (now > state.deadline + GRACE_MS) throw twFidoErrors.timed_out();
  if (now - state.lastPollAt < login.pollInterval * 1000) return { next: 'wait' };
  state.lastPollAt = now;
  const result = await login.poll(state.spTicketId);
  if (result.status === 'pending') return { next: 'wait' };
  const approved = login.verify(result, { tbs: state.tbs, last4: state.last4 });
  const accountId = await login.findBoundAccount(approved);
  if (accountId) {
    const account = await deps.accounts.findById(accountId);
    if (account?.status !== 'active') throw fidoMethodErrors.account_disabled();
    return { next: 'login', accountId };
  }
  state.phase = 'bind';
  const { holder } = approved;
  state.approved = {
    hashedIdNum: approved.hashedIdNum,
    holder: {
      serial: holder.serial,
      issuer: holder.issuer,
      subject: holder.subject,
      notAfter: holder.notAfter.toISOString(),
      last4: holder.last4,
    },
  };
  return { next: 'bind' };
}

/**
 * The first login of a person: the account's password proves the account, then the binding
 * is stored.
 * @throws fido.restart, password.invalid_credentials | account_disabled, fido.already_bound |
 *         bind_mismatch
 */
export async function bindFido(
  deps: { twfido: TwFidoLogin; accounts: AccountService },
  state: FidoState | undefined,
  input: FidoBindInput,
): Promise<string> {
  if (state?.phase !== 'bind' || !state.approved) throw fidoMethodErrors.restart();
  const account = await deps.accounts.authenticatePassword(input.username, input.password);
  const { holder } = state.approved;
  const approved: ApprovedLogin = {
    hashedIdNum: state.approved.hashedIdNum,
    holder: { ...holder, commonName: undefined, notAfter: new Date(holder.notAfter) },
  };
  await deps.twfido.bind(account, approved, state.idHash);
  return account.id;
}
