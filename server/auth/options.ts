import type { NextAuthOptions } from "next-auth";
import type { JWT } from "next-auth/jwt";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { clientAddress } from "@/server/client-address";
import { getDb } from "@/server/db/client";
import { log } from "@/server/log";
import { verifyPasswordOrDummy } from "./password";
import { endSessionByToken, startSession } from "./sessions";
import { attemptSignIn } from "./throttle";

/** A session unused this long ends. */
export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;
/** However busy, a session ends this long after its sign-in (renewals do not extend it). */
export const SESSION_ABSOLUTE_MAX_SECONDS = 12 * 60 * 60;

const useSecureCookies = process.env.NODE_ENV === "production";
/** The cookie next-auth keeps the session JWT in (it carries the database session's token). */
export const SESSION_COOKIE = `${useSecureCookies ? "__Secure-" : ""}next-auth.session-token`;

/** Error text the sign-in page recognises; the suffix is when to try again (ISO, UTC). */
export const LOCKED_OUT_PREFIX = "locked-until:";

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email()),
  password: z.string().min(1).max(200),
});

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS, updateAge: 15 * 60 },
  jwt: { maxAge: SESSION_MAX_AGE_SECONDS },
  useSecureCookies,
  pages: { signIn: "/sign-in", error: "/sign-in" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(raw, req) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) return null;
        const { email, password } = parsed.data;
        const ipAddress = clientAddress(req?.headers as Record<string, unknown> | undefined);
        const db = getDb();

        const user = await db.user.findUnique({
          where: { email },
          select: { id: true, email: true, name: true, passwordHash: true },
        });
        const verdict = await attemptSignIn(db, email, ipAddress, () =>
          verifyPasswordOrDummy(user?.passwordHash, password),
        );
        if (verdict.kind === "locked") {
          log.warn({ email, ipAddress }, "sign-in refused: throttled");
          throw new Error(`${LOCKED_OUT_PREFIX}${verdict.retryAt.toISOString()}`);
        }
        if (verdict.kind === "failed" || !user) {
          log.info({ email, ipAddress }, "sign-in failed");
          return null;
        }
        const userAgent = (req?.headers as Record<string, unknown> | undefined)?.["user-agent"];
        const session = await startSession(db, {
          userId: user.id,
          ipAddress,
          userAgent: typeof userAgent === "string" ? userAgent : null,
        });
        log.info({ userId: user.id, sessionId: session.sessionId }, "signed in");
        return { id: user.id, email: user.email, name: user.name, sessionToken: session.token };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.sub = user.id;
        token.sid = (user as { sessionToken?: string }).sessionToken;
        token.signedInAt = nowSeconds();
      }
      return sessionOutlived(token) ? {} : token;
    },
    session({ session, token }) {
      if (session.user && token.sub) session.user.id = token.sub;
      return session;
    },
  },
  events: {
    async signOut({ token }) {
      if (typeof token?.sid === "string") await endSessionByToken(getDb(), token.sid, "signed out");
    },
  },
  logger: {
    error: (code, metadata) => log.error({ code, metadata }, "auth error"),
    warn: (code) => log.warn({ code }, "auth warning"),
    debug: () => {},
  },
};

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Older than the absolute limit since its sign-in: the token carries no one any more. */
export function sessionOutlived(token: JWT, now = nowSeconds()): boolean {
  const signedInAt =
    typeof token.signedInAt === "number" ? token.signedInAt : typeof token.iat === "number" ? token.iat : now;
  return now - signedInAt > SESSION_ABSOLUTE_MAX_SECONDS;
}
