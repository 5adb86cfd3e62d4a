import { recordAudit, type AuditActor } from "@/server/audit/service";
import type { Db } from "@/server/db/client";
import { notFound } from "@/server/errors";

// The organization's bank feed settings. One for now: whether a retrieval hides the rows it
// is sure are already in the books (see ingest.ts) instead of offering them for review.

export interface FeedSettings {
  autoHideSureDuplicates: boolean;
}

export async function getFeedSettings(db: Db, organizationId: string): Promise<FeedSettings> {
  const org = await db.organization.findUnique({
    where: { id: organizationId },
    select: { autoHideSureDuplicates: true },
  });
  if (!org) throw notFound("That organization");
  return org;
}

/** Changes the settings and records the change (from, to) in the audit log, together. */
export async function updateFeedSettings(
  db: Db,
  args: { organizationId: string; actor: AuditActor; settings: FeedSettings },
): Promise<FeedSettings> {
  return db.$transaction(async (tx) => {
    const before = await tx.organization.findUnique({
      where: { id: args.organizationId },
      select: { autoHideSureDuplicates: true },
    });
    if (!before) throw notFound("That organization");
    const after = await tx.organization.update({
      where: { id: args.organizationId },
      data: { autoHideSureDuplicates: args.settings.autoHideSureDuplicates },
      select: { autoHideSureDuplicates: true },
    });
    await recordAudit(tx, {
      actor: args.actor,
      organizationId: args.organizationId,
      action: "feed.updateSettings",
      objectType: "Organization",
      objectId: args.organizationId,
      details: { autoHideSureDuplicates: after.autoHideSureDuplicates, before: before.autoHideSureDuplicates },
    });
    return after;
  });
}
