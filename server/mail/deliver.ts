import { z } from "zod";
import { hashToken, newToken } from "@/server/auth/tokens";
import type { Db } from "@/server/db/client";
import type { Prisma } from "@/server/db/generated/client";
import type { Logger } from "@/server/log";
import type { MailConfig } from "./config";
import {
  invitationData,
  optionalMailOf,
  passwordResetData,
  renderMail,
  type MailKind,
  type RenderLinks,
} from "./templates";
import type { MailTransport } from "./transport";
import { unsubscribeUrl } from "./unsubscribe";

export const mailJobData = z.object({ messageId: z.string().min(1) });

export interface MailDeps {
  db: Db;
  transport: MailTransport | null;
  config: MailConfig;
  log: Logger;
}

export type DeliveryResult = "sent" | "already-done" | "skipped";

export class MailNotSent extends Error {}

/**
 * Sends one outbox row. The row stays locked while the SMTP server is asked and is marked
 * sent in the same transaction, so a second job for it waits and then finds it sent; a
 * worker that dies mid-send leaves it unsent for the job's retry. An SMTP failure records
 * the attempt and throws, and the queue tries again with backoff.
 */
export async function deliverMail(deps: MailDeps, messageId: string, now = new Date()): Promise<DeliveryResult> {
  const failure = await deps.db.$transaction(
    async (tx): Promise<DeliveryResult | { error: string }> => {
      await tx.$queryRaw`SELECT id FROM "MailMessage" WHERE id = ${messageId} FOR UPDATE`;
      const message = await tx.mailMessage.findUnique({ where: { id: messageId } });
      if (!message || message.status !== "PENDING") return "already-done";
      const kind = message.kind as MailKind;

      const links: RenderLinks = { appUrl: deps.config.appUrl };
      const skip = async (reason: string) => {
        await tx.mailMessage.update({
          where: { id: messageId },
          data: { status: "SKIPPED", lastError: reason, lastAttemptAt: now },
        });
        deps.log.info({ messageId, kind, reason }, "mail skipped");
        return "skipped" as const;
      };

      const optional = optionalMailOf(kind);
      if (optional && message.userId) {
        const user = await tx.user.findUnique({
          where: { id: message.userId },
          select: { emailConnectionProblems: true, emailWeeklySummary: true },
        });
        const wanted = optional === "connection-problems" ? user?.emailConnectionProblems : user?.emailWeeklySummary;
        if (!wanted) return skip("the recipient stopped these emails");
        links.unsubscribe = unsubscribeUrl(deps.config.appUrl, message.userId, optional);
      }
      if (kind === "invitation") {
        const { invitationId } = invitationData.parse(message.data);
        const invitation = await tx.invitation.findUnique({ where: { id: invitationId } });
        if (!invitation || invitation.acceptedAt || invitation.revokedAt || invitation.expiresAt <= now)
          return skip("the invitation is no longer open");
        const token = newToken();
        await tx.invitation.update({ where: { id: invitationId }, data: { tokenHash: hashToken(token) } });
        links.action = `${deps.config.appUrl}/invitations/${token}`;
      }
      if (kind === "password-reset") {
        const { resetId } = passwordResetData.parse(message.data);
        const reset = await tx.passwordReset.findUnique({ where: { id: resetId } });
        if (!reset || reset.usedAt || reset.expiresAt <= now) return skip("the reset is no longer open");
        const token = newToken();
        await tx.passwordReset.update({ where: { id: resetId }, data: { tokenHash: hashToken(token) } });
        links.action = `${deps.config.appUrl}/reset-password/${token}`;
      }

      if (!deps.transport) return { error: "no SMTP server is configured (SMTP_URL)" };
      const body = renderMail(kind, message.data, links);
      try {
        await deps.transport.send({
          from: deps.config.from,
          to: message.toEmail,
          subject: message.subject,
          text: body.text,
          html: body.html,
          messageId: `<${message.id}@bankline.mail>`,
          headers: links.unsubscribe
            ? { "List-Unsubscribe": `<${links.unsubscribe}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" }
            : undefined,
        });
      } catch (err) {
        return { error: smtpError(err) };
      }
      await tx.mailMessage.update({
        where: { id: messageId },
        data: { status: "SENT", sentAt: new Date(), attempts: { increment: 1 }, lastAttemptAt: now, lastError: null },
      });
      deps.log.info({ messageId, kind }, "mail sent");
      return "sent";
    },
    { timeout: 60_000, maxWait: 15_000 },
  );
  if (typeof failure === "string") return failure;
  await deps.db.mailMessage.update({
    where: { id: messageId },
    data: { attempts: { increment: 1 }, lastAttemptAt: now, lastError: failure.error },
  });
  deps.log.warn({ messageId, error: failure.error }, "mail not sent; the queue tries again");
  throw new MailNotSent(failure.error);
}

/** What went wrong, short and without anything the SMTP conversation might echo back. */
function smtpError(err: unknown): string {
  const e = err as { code?: string; responseCode?: number; message?: string };
  const parts = [e.code, e.responseCode, e.message?.split("\n")[0]].filter(Boolean);
  return parts.join(" ").slice(0, 300) || "SMTP error";
}

export type MailTx = Prisma.TransactionClient;
