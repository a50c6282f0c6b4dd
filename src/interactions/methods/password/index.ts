import { ACR, type LoginMethod } from '../types.js';
import { mountPasswordRoutes } from './routes.js';

export const passwordMethod: LoginMethod = {
  id: 'password',
  amr: ['pwd'],
  acr: ACR.password,
  mount: mountPasswordRoutes,
};
