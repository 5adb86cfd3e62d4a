import { getDb } from "@/server/db/client";
import { FEED_VIEWS } from "@/server/feed/list";
import { getFeedSettings } from "@/server/feed/settings";
import { requireOrgMember } from "@/server/orgs/page-access";
import { orgRoleAllows } from "@/server/trpc/permissions";
import { ImportStatement } from "@/app/_components/statements/import-statement-dialog";
import { FeedView } from "./feed-view";

export const metadata = { title: "Bank feed" };

/**
 * `?account=<id>&view=flagged` opens the feed on that account's possible duplicates (links from
 * Manage Institutions).
 */
export default async function Page({
  params,
  searchParams,
}: {
  params: Promise<{ org: string }>;
  searchParams: Promise<{ account?: string | string[]; view?: string | string[] }>;
}) {
  const { org } = await params;
  const query = await searchParams;
  const { org: organization, role } = await requireOrgMember(org);
  const settings = await getFeedSettings(getDb(), organization.id);
  const account = typeof query.account === "string" ? query.account : null;
  const view = FEED_VIEWS.find((v) => v === query.view) ?? "review";
  const canWrite = orgRoleAllows(role, "books.write");
  return (
    <section aria-labelledby="page-title" className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 id="page-title" className="text-2xl font-semibold">
          Bank feed
        </h1>
        {canWrite && <ImportStatement orgSlug={org} />}
      </div>
      <p className="text-ink-muted">
        Transactions retrieved from your banks, or imported from their statement files, wait here for review. Import
        what belongs in the books; hide what is already there. A red{" "}
        <span className="font-semibold text-danger">Possible duplicate</span> mark names the register entry a
        transaction matches and why; where that entry was typed by hand,{" "}
        <span className="font-semibold text-danger">Matches an entry in the books</span> offers Match.
      </p>
      <FeedView
        // A link to another account or view of the page opens it afresh.
        key={`${account}:${view}`}
        orgSlug={org}
        canWrite={canWrite}
        initialAccountId={account}
        initialView={view}
        autoHideSureDuplicates={settings.autoHideSureDuplicates}
      />
    </section>
  );
}
