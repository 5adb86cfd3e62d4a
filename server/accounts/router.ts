import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { actorOf } from "@/server/audit/service";
import { verifyPassword } from "@/server/auth/password";
import { changePassword } from "@/server/auth/password-reset";
import { confirmEnrollment, resetTwoFactor, startEnrollment, twoFactorStatus } from "@/server/auth/two-factor";
import { setMailPreference } from "@/server/mail/unsubscribe";
import { createRouter, signedInProcedure } from "@/server/trpc/init";
import { done } from "@/server/trpc/schemas";
import {
  changePasswordInput,
  confirmTwoFactorInput,
  disableTwoFactorInput,
  endSessionInput,
  mailPreference,
  mailPreferences,
  me,
  recoveryCodes,
  sessionsEnded,
  signedInSession,
  twoFactorEnrollment,
  twoFactorState,
} from "./schemas";
import { emailPreferences, endMyOtherSessions, endMySession, mySessions } from "./service";

// The account page: the person's own sessions, password, two-factor sign-in and emails.

export const meRouter = createRouter({
  get: signedInProcedure
    .input(z.void())
    .output(me)
    .query(({ ctx }) => ({
      id: ctx.user.id,
      email: ctx.user.email,
      name: ctx.user.name,
      staffRole: ctx.user.staffRole,
    })),

  sessions: signedInProcedure
    .input(z.void())
    .output(z.array(signedInSession))
    .query(({ ctx }) => mySessions(ctx.db, ctx.user.id, ctx.user.sessionId)),

  endSession: signedInProcedure
    .input(endSessionInput)
    .output(sessionsEnded)
    .mutation(({ ctx, input }) =>
      endMySession(ctx.db, { userId: ctx.user.id, sessionId: input.sessionId, actor: actorOf(ctx) }),
    ),

  endOtherSessions: signedInProcedure
    .input(z.void())
    .output(sessionsEnded)
    .mutation(({ ctx }) =>
      endMyOtherSessions(ctx.db, { userId: ctx.user.id, currentSessionId: ctx.user.sessionId, actor: actorOf(ctx) }),
    ),

  changePassword: signedInProcedure
    .input(changePasswordInput)
    .output(done)
    .mutation(async ({ ctx, input }) => {
      await changePassword(ctx.db, {
        userId: ctx.user.id,
        sessionId: ctx.user.sessionId,
        ...input,
        actor: actorOf(ctx),
      });
      return { ok: true as const };
    }),

  twoFactor: signedInProcedure
    .input(z.void())
    .output(twoFactorState)
    .query(({ ctx }) => twoFactorStatus(ctx.db, ctx.user.id)),

  startTwoFactor: signedInProcedure
    .input(z.void())
    .output(twoFactorEnrollment)
    .mutation(({ ctx }) => startEnrollment(ctx.db, ctx.user.id)),

  confirmTwoFactor: signedInProcedure
    .input(confirmTwoFactorInput)
    .output(recoveryCodes)
    .mutation(({ ctx, input }) =>
      confirmEnrollment(ctx.db, {
        userId: ctx.user.id,
        sessionId: ctx.user.sessionId,
        code: input.code,
        actor: actorOf(ctx),
      }),
    ),

  disableTwoFactor: signedInProcedure
    .input(disableTwoFactorInput)
    .output(done)
    .mutation(async ({ ctx, input }) => {
      const user = await ctx.db.user.findUniqueOrThrow({ where: { id: ctx.user.id }, select: { passwordHash: true } });
      if (!(await verifyPassword(user.passwordHash, input.password)))
        throw new TRPCError({ code: "BAD_REQUEST", message: "Your password is not right." });
      await resetTwoFactor(ctx.db, { userId: ctx.user.id, actor: actorOf(ctx), byStaff: false });
      return { ok: true as const };
    }),

  emailPreferences: signedInProcedure
    .input(z.void())
    .output(mailPreferences)
    .query(({ ctx }) => emailPreferences(ctx.db, ctx.user.id)),

  setEmailPreference: signedInProcedure
    .input(mailPreference)
    .output(mailPreference)
    .mutation(async ({ ctx, input }) => {
      await setMailPreference(ctx.db, ctx.user.id, input.kind, input.wanted);
      return input;
    }),
});
