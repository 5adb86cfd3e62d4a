import { describeStatus } from "@/server/aggregator/status-codes";
import type { Db } from "@/server/db/client";
import type { Prisma } from "@/server/db/generated/client";
import { QUEUES, sendInTransaction } from "@/server/jobs/queue";
import { queueMail, type NewMail } from "@/server/mail/outbox";
import type { MailKind } from "@/server/mail/templates";

// Emails about a connection that needs its customer: one to each owner and admin when the
// problem has lasted a short while (someone fixing it right now is not emailed), one reminder
// after three days if nothing changed, and a "fixed" note when the connection works again.
// Notices come and go as the customer retries (an Update Login clears the notice while the
// aggregation runs); the alert is the problem as the people were told about it, so a failed
// retry, a nightly refresh or a notice opened again for the same code sends nothing new.

type DbOrTx = Db | Prisma.TransactionClient;

export const REMINDER_AFTER_MS = 3 * 24 * 60 * 60 * 1000;

/** How long a problem must last before anyone is emailed (CONNECTION_EMAIL_DELAY_SECONDS, default 10 minutes). */
export function alertDelaySeconds(env: Record<string, string | undefined> = process.env): number {
  const n = Number(env.CONNECTION_EMAIL_DELAY_SECONDS ?? 600);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : 600;
}

/** Asks a worker to look at the connection's emails after `delaySeconds`, in the caller's transaction. */
export async function scheduleAlertCheck(tx: DbOrTx, connectionId: string, delaySeconds: number) {
  await sendInTransaction(
    tx,
    QUEUES.connectionAlerts,
    { connectionId },
    delaySeconds > 0 ? { startAfter: delaySeconds } : {},
  );
}

export type AlertOutcome = "none" | "waiting" | "problem" | "reminder" | "fixed" | "closed";

/** Brings the connection's alert in line with its state, and queues the emails that calls for. */
export async function evaluateConnectionAlert(
  db: Db,
  connectionId: string,
  options: { now?: Date; delaySeconds?: number } = {},
): Promise<AlertOutcome> {
  const now = options.now ?? new Date();
  const delayMs = (options.delaySeconds ?? alertDelaySeconds()) * 1000;
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`connection-alert ${connectionId}`}))`;
    const connection = await tx.connection.findUnique({
      where: { id: connectionId },
      select: {
        id: true,
        organizationId: true,
        status: true,
        institution: { select: { name: true, loginUrl: true } },
        organization: { select: { name: true, slug: true } },
      },
    });
    if (!connection) return "none";
    const open = await tx.connectionAlert.findFirst({
      where: { connectionId, closedAt: null },
      orderBy: { createdAt: "desc" },
    });
    const close = (reason: string) =>
      tx.connectionAlert.update({ where: { id: open!.id }, data: { closedAt: now, closedReason: reason } });

    if (connection.status === "REMOVED") {
      if (!open) return "none";
      await close("removed");
      return "closed";
    }

    const notice = await tx.notice.findFirst({
      where: { connectionId, resolvedAt: null, statusCode: { not: null } },
      orderBy: { createdAt: "desc" },
      select: { statusCode: true, createdAt: true },
    });
    if (notice) {
      const code = notice.statusCode!;
      if (open && open.statusCode === code) {
        if (open.remindedAt || now.getTime() - open.createdAt.getTime() < REMINDER_AFTER_MS) return "none";
        await tx.connectionAlert.update({ where: { id: open.id }, data: { remindedAt: now } });
        await queueAlertMail(tx, connection, open.id, "connection-reminder", code, open.createdAt);
        return "reminder";
      }
      if (now.getTime() - notice.createdAt.getTime() < delayMs) return "waiting";
      if (open) await close("replaced");
      const alert = await tx.connectionAlert.create({
        data: { organizationId: connection.organizationId, connectionId, statusCode: code, createdAt: now },
      });
      await queueAlertMail(tx, connection, alert.id, "connection-problem", code, notice.createdAt);
      return "problem";
    }

    // No open notice: fixed once it works again; while an aggregation or a transient failure
    // decides, the alert stays open.
    if (open && connection.status === "ACTIVE") {
      await close("fixed");
      await queueAlertMail(tx, connection, open.id, "connection-fixed", open.statusCode, open.createdAt);
      return "fixed";
    }
    return "none";
  });
}

interface AlertConnection {
  id: string;
  organizationId: string;
  institution: { name: string; loginUrl: string };
  organization: { name: string; slug: string };
}

const SUBJECTS: Record<
  "connection-problem" | "connection-reminder" | "connection-fixed",
  (bank: string, code: number) => string
> = {
  "connection-problem": (bank, code) => `Action needed: ${bank} (Error ${code})`,
  "connection-reminder": (bank, code) => `Reminder: ${bank} still needs you (Error ${code})`,
  "connection-fixed": (bank) => `Fixed: ${bank} works again`,
};

async function queueAlertMail(
  tx: Prisma.TransactionClient,
  connection: AlertConnection,
  alertId: string,
  kind: Extract<MailKind, "connection-problem" | "connection-reminder" | "connection-fixed">,
  code: number,
  since: Date,
) {
  const recipients = await tx.membership.findMany({
    where: {
      organizationId: connection.organizationId,
      role: { in: ["OWNER", "ADMIN"] },
      user: { emailConnectionProblems: true },
    },
    select: { user: { select: { id: true, email: true } } },
  });
  const status = describeStatus(code, {
    institutionName: connection.institution.name,
    institutionUrl: connection.institution.loginUrl,
  });
  const data = {
    organizationName: connection.organization.name,
    orgSlug: connection.organization.slug,
    connectionId: connection.id,
    institutionName: connection.institution.name,
    code,
    customerTitle: status.customerTitle,
    meaning: status.title,
    nextStep: status.nextStep,
    since: since.toISOString(),
  };
  const mails: NewMail[] = recipients.map(({ user }) => ({
    dedupeKey: `alert:${alertId}:${kind}:${user.id}`,
    kind,
    toEmail: user.email,
    userId: user.id,
    organizationId: connection.organizationId,
    connectionId: connection.id,
    subject: SUBJECTS[kind](connection.institution.name, code),
    data,
  }));
  await queueMail(tx, mails);
}

/**
 * The sweep's share: connections whose emails are owed but whose job never ran (no queue when
 * the notice opened, a lost job): problems past the delay without an alert, alerts whose
 * notice is gone, and alerts due a reminder.
 */
export async function sweepConnectionAlerts(
  db: Db,
  now = new Date(),
  scope: { organizationIds?: string[] } = {},
  delaySeconds = alertDelaySeconds(),
) {
  const org = scope.organizationIds ? { organizationId: { in: scope.organizationIds } } : {};
  const [unannounced, openAlerts] = await Promise.all([
    db.notice.findMany({
      where: {
        ...org,
        resolvedAt: null,
        connectionId: { not: null },
        statusCode: { not: null },
        createdAt: { lte: new Date(now.getTime() - delaySeconds * 1000) },
      },
      select: { connectionId: true, statusCode: true },
      take: 500,
    }),
    db.connectionAlert.findMany({
      where: { ...org, closedAt: null },
      select: { connectionId: true, statusCode: true, createdAt: true, remindedAt: true },
      take: 500,
    }),
  ]);
  const alertOf = new Map(openAlerts.map((a) => [a.connectionId, a]));
  const noticed = new Set(unannounced.map((n) => n.connectionId!));
  const due = new Set<string>();
  for (const n of unannounced) if (alertOf.get(n.connectionId!)?.statusCode !== n.statusCode) due.add(n.connectionId!);
  for (const a of openAlerts) {
    if (!a.remindedAt && now.getTime() - a.createdAt.getTime() >= REMINDER_AFTER_MS) due.add(a.connectionId);
    else if (!noticed.has(a.connectionId)) due.add(a.connectionId);
  }
  const outcomes: Record<string, AlertOutcome> = {};
  for (const connectionId of due)
    outcomes[connectionId] = await evaluateConnectionAlert(db, connectionId, { now, delaySeconds });
  return Object.values(outcomes).filter((o) => o !== "none" && o !== "waiting").length;
}
