import { z } from 'zod';

export const passOneLoginSchema = z.object({
  // bounded so a pasted essay costs nothing; usernames and codes are short
  username: z.string().trim().min(1).max(256),
  code: z.string().trim().min(1).max(40),
});

export type PassOneLoginInput = z.infer<typeof passOneLoginSchema>;
