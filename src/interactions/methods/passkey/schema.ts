import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';

const b64url = z.string().regex(/^[A-Za-z0-9_-]*$/);

/** A form field carrying JSON (what the page's script submits), parsed, at most maxLength characters. */
export function jsonField(maxLength: number) {
  return z
    .string()
    .min(2)
    .max(maxLength)
    .transform((value, ctx) => {
      try {
        return JSON.parse(value) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not JSON' });
        return z.NEVER;
      }
    });
}

/** An assertion as @simplewebauthn/browser's startAuthentication() returns it (WebAuthn L3 toJSON). */
export const assertionSchema = z.object({
  id: b64url.min(1).max(1366),
  rawId: b64url.min(1).max(1366),
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: b64url.min(1).max(8192),
    authenticatorData: b64url.min(1).max(8192),
    signature: b64url.min(1).max(2048),
    userHandle: b64url.max(128).optional(),
  }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
});

/** The form the page's script submits: the assertion, JSON-encoded, in the `response` field. */
export const passkeyLoginSchema = z.object({
  response: jsonField(32_768).pipe(assertionSchema),
});

export type PasskeyAssertion = AuthenticationResponseJSON;
