import { z } from "zod";
import { MAX_PASSWORD_LENGTH } from "./password-policy";

// What auth.* procedures take and give: the steps of a sign-in, a forgotten password, an
// invitation. The account page and the members page take emails and passwords these ways too.

/** An email address as a person types it: compared and stored in lower case. */
export const emailAddress = z.string().trim().toLowerCase().pipe(z.email()).pipe(z.string().max(200));
/** A password as given; a new one must also pass the policy (password-policy.ts), which says what is wrong. */
export const password = z.string().min(1).max(MAX_PASSWORD_LENGTH);
/** A link's token (password reset, invitation). */
const token = z.string().min(20).max(200);

/** Where a sign-in stands: nothing, password given and a code owed, or done. */
export const signInState = z.object({
  state: z.enum(["none", "code-required", "active"]),
  twoFactorSetupRequired: z.boolean(),
});

export const signInCodeInput = z.object({ code: z.string().trim().min(6).max(20) });
export const signInCodeResult = z.object({ usedRecoveryCode: z.boolean() });

export const passwordResetRequest = z.object({ email: emailAddress });
export const resetPasswordInput = z.object({ token, password });
export const resetPasswordResult = z.object({ email: z.string() });

export const acceptInvitationInput = z.object({
  token,
  name: z.string().trim().max(120).optional(),
  password: password.optional(),
});
export const acceptInvitationResult = z.object({ email: z.string(), orgSlug: z.string(), newAccount: z.boolean() });

export type SignInState = z.output<typeof signInState>;
