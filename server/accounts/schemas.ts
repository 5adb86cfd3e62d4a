import { z } from "zod";
import { password } from "@/server/auth/schemas";
import { StaffRole } from "@/server/db/generated/enums";
import { OPTIONAL_MAIL, type OptionalMail } from "@/server/mail/templates";
import { id } from "@/server/trpc/schemas";

// What me.* procedures take and give: the account page's sessions, password, two-factor
// sign-in and emails.

/** The kinds of email a person may stop (the mail templates' list). */
export const optionalMail = z.enum(Object.keys(OPTIONAL_MAIL) as [OptionalMail, ...OptionalMail[]]);

export const me = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  staffRole: z.enum(StaffRole).nullable(),
});

export const signedInSession = z.object({
  id: z.string(),
  browser: z.string(),
  ipAddress: z.string().nullable(),
  signedInAt: z.date(),
  lastActiveAt: z.date(),
  current: z.boolean(),
});
export const endSessionInput = z.object({ sessionId: id });
export const sessionsEnded = z.object({ ended: z.number() });

export const changePasswordInput = z.object({ currentPassword: password, newPassword: password });

export const twoFactorState = z.object({
  enabled: z.boolean(),
  enabledAt: z.date().nullable(),
  recoveryCodesLeft: z.number(),
  /** Who requires it: the organizations that turned the requirement on, Bankline for its staff. */
  requiredBy: z.array(z.string()),
});
export const twoFactorEnrollment = z.object({ secret: z.string(), uri: z.string(), qrCode: z.string() });
export const confirmTwoFactorInput = z.object({ code: z.string().trim().min(6).max(10) });
export const recoveryCodes = z.object({ recoveryCodes: z.array(z.string()) });
export const disableTwoFactorInput = z.object({ password });

export const mailPreferences = z.object({
  "connection-problems": z.boolean(),
  "weekly-summary": z.boolean(),
  ownsAnOrganization: z.boolean(),
} satisfies Record<OptionalMail, z.ZodBoolean> & { ownsAnOrganization: z.ZodBoolean });
export const mailPreference = z.object({ kind: optionalMail, wanted: z.boolean() });

export type Me = z.output<typeof me>;
export type MailPreferences = z.output<typeof mailPreferences>;
