import { z } from 'zod';
import { isValidNationalId, nationalIdErrors, normalizeNationalId } from '../../../services/national-id.js';

/** Page 1: the national ID (id_num is mandatory in the protocol) and how to confirm. */
export const fidoStartSchema = z.object({
  national_id: z
    .string()
    .max(40)
    .transform(normalizeNationalId)
    .refine(isValidNationalId, nationalIdErrors.invalid().message),
  mode: z.enum(['qr', 'push']).default('qr'),
});

export type FidoStartInput = z.infer<typeof fidoStartSchema>;

/** The first time only: the account's username and password, to bind it. */
export const fidoBindSchema = z.object({
  username: z.string().trim().min(1).max(256),
  password: z.string().min(1).max(1024),
});

export type FidoBindInput = z.infer<typeof fidoBindSchema>;
