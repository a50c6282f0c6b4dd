import { z } from 'zod';

const base64 = z
  .string()
  .trim()
  .max(48_000)
  .regex(/^[A-Za-z0-9+/=\s_-]*$/);

// the signer's numbers arrive as decimal text from the hidden fields; negative when the
// 32-bit code has its top bit set (reference §9.3)
const code = z
  .string()
  .trim()
  .regex(/^-?\d{1,10}$/)
  .transform(Number)
  .optional();

/** The card page's form (views/methods/certificate.ts), filled in by /static/hipki.js. */
export const certificateFormSchema = z.object({
  signature: base64.optional(),
  certificate: base64.optional(),
  ret_code: code,
  last_error: code,
  client_error: z.enum(['no_signer', 'popup_blocked', 'cancelled']).optional(),
});

export type CertificateForm = z.infer<typeof certificateFormSchema>;
