import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { acceptInvitation } from "@/server/invitations/service";
import { createRouter, publicProcedure } from "@/server/trpc/init";
import { MAX_PASSWORD_LENGTH } from "./password-policy";
import { requestPasswordReset, resetPassword } from "./password-reset";
import { verifySignInCode } from "./two-factor";

// What a person does before (or while) signing in: the second step of a sign-in, a forgotten
// password, an invitation. Each works without a session; a link's token is the proof.

const token = z.string().min(20).max(200);
const password = z.string().min(1).max(MAX_PASSWORD_LENGTH);

export const authRouter = createRouter({
  /** Where a sign-in stands: nothing, password given and a code owed, or done. */
  signInState: publicProcedure
    .input(z.void())
    .output(z.object({ state: z.enum(["none", "code-required", "active"]), twoFactorSetupRequired: z.boolean() }))
    .query(({ ctx }) => ({
      state: ctx.user ? ("active" as const) : ctx.pendingSignIn ? ("code-required" as const) : ("none" as const),
      twoFactorSetupRequired: !!ctx.user?.staffRole && !ctx.user.secondFactor,
    })),

  verifySignInCode: publicProcedure
    .input(z.object({ code: z.string().trim().min(6).max(20) }))
    .output(z.object({ usedRecoveryCode: z.boolean() }))
    .mutation(({ ctx, input }) => {
      const pending = ctx.pendingSignIn;
      if (!pending?.sessionId) throw new TRPCError({ code: "BAD_REQUEST", message: "Sign in with your email and password first." });
      return verifySignInCode(ctx.db, { sessionId: pending.sessionId, userId: pending.id, code: input.code, ipAddress: ctx.ipAddress });
    }),

  requestPasswordReset: publicProcedure
    .input(z.object({ email: z.string().trim().toLowerCase().pipe(z.email()).pipe(z.string().max(200)) }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await requestPasswordReset(ctx.db, { email: input.email, ipAddress: ctx.ipAddress });
      return { ok: true as const };
    }),

  resetPassword: publicProcedure
    .input(z.object({ token, password }))
    .output(z.object({ email: z.string() }))
    .mutation(({ ctx, input }) => resetPassword(ctx.db, { token: input.token, password: input.password, ipAddress: ctx.ipAddress })),

  acceptInvitation: publicProcedure
    .input(z.object({ token, name: z.string().trim().max(120).optional(), password: password.optional() }))
    .output(z.object({ email: z.string(), orgSlug: z.string(), newAccount: z.boolean() }))
    .mutation(({ ctx, input }) => acceptInvitation(ctx.db, { token: input.token, name: input.name, password: input.password, ipAddress: ctx.ipAddress })),
});
