import { z } from "zod";

// Outgoing mail: any SMTP server (SMTP_URL, e.g. smtps://user:pass@smtp.example.com:465) and the
// From address. Without SMTP_URL, `npm start` and the end-to-end stack run a local catcher.

export interface MailConfig {
  smtpUrl: string | null;
  from: string;
  /** The app's public URL: every link in an email starts with it. */
  appUrl: string;
}

const schema = z.object({
  SMTP_URL: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .regex(/^smtps?:\/\//, "SMTP_URL must start with smtp:// or smtps://")
      .optional(),
  ),
  MAIL_FROM: z.string().min(3).default("Bankline <no-reply@bankline.localhost>"),
  APP_URL: z.string().optional(),
  NEXTAUTH_URL: z.string().optional(),
});

export function mailConfigFromEnv(env: Record<string, string | undefined> = process.env): MailConfig {
  const e = schema.parse(env);
  const appUrl = (e.APP_URL || e.NEXTAUTH_URL || "http://localhost:3000").replace(/\/+$/, "");
  return { smtpUrl: e.SMTP_URL ?? null, from: e.MAIL_FROM, appUrl };
}
