import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { acceptInvitation } from "@/server/invitations/service";
import { createRouter, publicProcedure } from "@/server/trpc/init";
import { done } from "@/server/trpc/schemas";
import { requestPasswordReset, resetPassword } from "./password-reset";
import {
  acceptInvitationInput,
  acceptInvitationResult,
  passwordResetRequest,
  resetPasswordInput,
  resetPasswordResult,
  signInCodeInput,
  signInCodeResult,
  signInState,
} from "./schemas";
import { verifySignInCode } from "./two-factor";

// What a person does before (or while) signing in: the second step of a sign-in, a forgotten
// password, an invitation. Each works without a session; a link's token is the proof.

export const authRouter = createRouter({
  /** Where a sign-in stands: nothing, password given and a code owed, or done. */
  signInState: publicProcedure
    .input(z.void())
    .output(signInState)
    .query(({ ctx }) => ({
      state: ctx.user ? ("active" as const) : ctx.pendingSignIn ? ("code-required" as const) : ("none" as const),
      twoFactorSetupRequired: !!ctx.user?.staffRole && !ctx.user.secondFactor,
    })),

  verifySignInCode: publicProcedure
    .input(signInCodeInput)
    .output(signInCodeResult)
    .mutation(({ ctx, input }) => {
      const pending = ctx.pendingSignIn;
      if (!pending?.sessionId)
        throw new TRPCError({ code: "BAD_REQUEST", message: "Sign in with your email and password first." });
      return verifySignInCode(ctx.db, {
        sessionId: pending.sessionId,
        userId: pending.id,
        code: input.code,
        ipAddress: ctx.ipAddress,
      });
    }),

  requestPasswordReset: publicProcedure
    .input(passwordResetRequest)
    .output(done)
    .mutation(async ({ ctx, input }) => {
      await requestPasswordReset(ctx.db, { email: input.email, ipAddress: ctx.ipAddress });
      return { ok: true as const };
    }),

  resetPassword: publicProcedure
    .input(resetPasswordInput)
    .output(resetPasswordResult)
    .mutation(({ ctx, input }) =>
      resetPassword(ctx.db, { token: input.token, password: input.password, ipAddress: ctx.ipAddress }),
    ),

  acceptInvitation: publicProcedure
    .input(acceptInvitationInput)
    .output(acceptInvitationResult)
    .mutation(({ ctx, input }) =>
      acceptInvitation(ctx.db, {
        token: input.token,
        name: input.name,
        password: input.password,
        ipAddress: ctx.ipAddress,
      }),
    ),
});
