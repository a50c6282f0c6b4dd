import { z } from 'zod';

export const passwordLoginSchema = z.object({
  // bounded so a pasted essay costs nothing; real usernames are short
  username: z.string().trim().min(1).max(256),
  password: z.string().min(1).max(1024),
});

export type PasswordLoginInput = z.infer<typeof passwordLoginSchema>;
