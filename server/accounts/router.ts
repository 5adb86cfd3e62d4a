import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { actorOf } from "@/server/audit/service";
import { verifyPassword } from "@/server/auth/password";
import { MAX_PASSWORD_LENGTH } from "@/server/auth/password-policy";
import { changePassword } from "@/server/auth/password-reset";
import { confirmEnrollment, resetTwoFactor, startEnrollment, twoFactorStatus } from "@/server/auth/two-factor";
import { setMailPreference } from "@/server/mail/unsubscribe";
import { createRouter, signedInProcedure } from "@/server/trpc/init";
import { STAFF_ROLES } from "@/server/trpc/permissions";
import { emailPreferences, endMyOtherSessions, endMySession, mySessions } from "./service";

// The account page: the person's own sessions, password, two-factor sign-in and emails.

const password = z.string().min(1).max(MAX_PASSWORD_LENGTH);
const optionalMail = z.enum(["connection-problems", "weekly-summary"]);

export const meRouter = createRouter({
  get: signedInProcedure
    .input(z.void())
    .output(z.object({ id: z.string(), email: z.string(), name: z.string(), staffRole: z.enum(STAFF_ROLES).nullable() }))
    .query(({ ctx }) => ({ id: ctx.user.id, email: ctx.user.email, name: ctx.user.name, staffRole: ctx.user.staffRole })),

  sessions: signedInProcedure
    .input(z.void())
    .output(
      z.array(
        z.object({ id: z.string(), browser: z.string(), ipAddress: z.string().nullable(), signedInAt: z.date(), lastActiveAt: z.date(), current: z.boolean() }),
      ),
    )
    .query(({ ctx }) => mySessions(ctx.db, ctx.user.id, ctx.user.sessionId)),

  endSession: signedInProcedure
    .input(z.object({ sessionId: z.string().min(1).max(64) }))
    .output(z.object({ ended: z.number() }))
    .mutation(({ ctx, input }) => endMySession(ctx.db, { userId: ctx.user.id, sessionId: input.sessionId, actor: actorOf(ctx) })),

  endOtherSessions: signedInProcedure
    .input(z.void())
    .output(z.object({ ended: z.number() }))
    .mutation(({ ctx }) => endMyOtherSessions(ctx.db, { userId: ctx.user.id, currentSessionId: ctx.user.sessionId, actor: actorOf(ctx) })),

  changePassword: signedInProcedure
    .input(z.object({ currentPassword: password, newPassword: password }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await changePassword(ctx.db, { userId: ctx.user.id, sessionId: ctx.user.sessionId, ...input, actor: actorOf(ctx) });
      return { ok: true as const };
    }),

  twoFactor: signedInProcedure
    .input(z.void())
    .output(z.object({ enabled: z.boolean(), enabledAt: z.date().nullable(), recoveryCodesLeft: z.number(), requiredBy: z.array(z.string()) }))
    .query(({ ctx }) => twoFactorStatus(ctx.db, ctx.user.id)),

  startTwoFactor: signedInProcedure
    .input(z.void())
    .output(z.object({ secret: z.string(), uri: z.string(), qrCode: z.string() }))
    .mutation(({ ctx }) => startEnrollment(ctx.db, ctx.user.id)),

  confirmTwoFactor: signedInProcedure
    .input(z.object({ code: z.string().trim().min(6).max(10) }))
    .output(z.object({ recoveryCodes: z.array(z.string()) }))
    .mutation(({ ctx, input }) => confirmEnrollment(ctx.db, { userId: ctx.user.id, sessionId: ctx.user.sessionId, code: input.code, actor: actorOf(ctx) })),

  disableTwoFactor: signedInProcedure
    .input(z.object({ password }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const user = await ctx.db.user.findUniqueOrThrow({ where: { id: ctx.user.id }, select: { passwordHash: true } });
      if (!(await verifyPassword(user.passwordHash, input.password))) throw new TRPCError({ code: "BAD_REQUEST", message: "Your password is not right." });
      await resetTwoFactor(ctx.db, { userId: ctx.user.id, actor: actorOf(ctx), byStaff: false });
      return { ok: true as const };
    }),

  emailPreferences: signedInProcedure
    .input(z.void())
    .output(z.object({ "connection-problems": z.boolean(), "weekly-summary": z.boolean(), ownsAnOrganization: z.boolean() }))
    .query(({ ctx }) => emailPreferences(ctx.db, ctx.user.id)),

  setEmailPreference: signedInProcedure
    .input(z.object({ kind: optionalMail, wanted: z.boolean() }))
    .output(z.object({ kind: optionalMail, wanted: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      await setMailPreference(ctx.db, ctx.user.id, input.kind, input.wanted);
      return input;
    }),
});
