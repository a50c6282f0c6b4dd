import { ACR, type LoginMethod } from '../types.js';
import { PASS_ONE_CLIENT_ID } from './client.js';
import { mountPassOneRoutes, renderPassOne } from './routes.js';

/**
 * passOne 一次登入: username + a printed one-time pass code, for students who forgot their
 * password. No link on the login page: it is reached at /passone (or /interaction/:uid/pass-one).
 */
export const passOneMethod: LoginMethod = {
  id: 'pass-one',
  amr: ['otp'],
  acr: ACR.passOne,
  render: renderPassOne,
  clientIds: [PASS_ONE_CLIENT_ID],
  mount: mountPassOneRoutes,
};
