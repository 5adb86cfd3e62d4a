import { recordAudit, type AuditActor } from "@/server/audit/service";
import type { Db } from "@/server/db/client";

// Support reads every organization's rows under row-level security's bypass; what each staff
// member read is on the audit log (`support.read`: the procedure and what it was asked for).
// The console follows a connection by polling, so one read is written once per ten minutes.

const WINDOW_MS = 10 * 60_000;
const recent = new Map<string, number>();

/** The input's plain fields (ids, slugs, a search text, filters): support inputs carry no secret. */
function readOf(input: unknown): Record<string, string | number | boolean | null> {
  if (!input || typeof input !== "object") return {};
  const fields: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(input)) {
    if (typeof value === "string") fields[key] = value.slice(0, 200);
    else if (typeof value === "number" || typeof value === "boolean" || value === null) fields[key] = value;
  }
  return fields;
}

export async function auditSupportRead(
  db: Db,
  args: { actor: AuditActor; path: string; input: unknown; now?: number },
) {
  const details = readOf(args.input);
  const key = `${args.actor.userId}|${args.path}|${JSON.stringify(details)}`;
  const now = args.now ?? Date.now();
  if ((recent.get(key) ?? 0) > now - WINDOW_MS) return;
  if (recent.size > 10_000) recent.clear();
  recent.set(key, now);
  await recordAudit(db, {
    actor: args.actor,
    organizationId: null,
    action: "support.read",
    objectType: "Procedure",
    objectId: args.path,
    details,
  });
}
