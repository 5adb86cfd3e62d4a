import type { DefaultSession } from "next-auth";

declare module "next-auth" {
  interface Session {
    user: { id: string } & DefaultSession["user"];
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    /** When the person signed in (seconds since the epoch); bounds the session's whole life. */
    signedInAt?: number;
    /** The database session's token (only its hash is stored); checked on every request. */
    sid?: string;
  }
}
