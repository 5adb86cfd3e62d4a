import { getDb } from "@/server/db/client";
import { getFeedSettings } from "@/server/feed/settings";
import { requireOrgMember } from "@/server/orgs/page-access";
import { orgRoleAllows } from "@/server/trpc/permissions";
import { FeedView, type View } from "./feed-view";

export const metadata = { title: "Bank feed" };

const VIEWS: readonly View[] = ["review", "new", "flagged", "imported", "all", "hidden"];

/** `?account=<id>&view=flagged` opens the feed on that account's possible duplicates (links from Manage Institutions). */
export default async function Page({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<{ account?: string | string[]; view?: string | string[] }> }) {
  const { org } = await params;
  const query = await searchParams;
  const { org: organization, role } = await requireOrgMember(org);
  const settings = await getFeedSettings(getDb(), organization.id);
  const account = typeof query.account === "string" ? query.account : null;
  const view = VIEWS.find((v) => v === query.view) ?? "review";
  return (
    <section aria-labelledby="page-title" className="space-y-4">
      <h1 id="page-title" className="text-2xl font-semibold">Bank feed</h1>
      <p className="text-ink-muted">
        Transactions retrieved from your banks wait here for review. Import what belongs in the books; hide what is already there.
        A red <span className="font-semibold text-danger">Possible duplicate</span> mark names the register entry a transaction matches and why.
      </p>
      <FeedView
        // A link to another account or view of the page opens it afresh.
        key={`${account}:${view}`}
        orgSlug={org}
        canWrite={orgRoleAllows(role, "books.write")}
        initialAccountId={account}
        initialView={view}
        autoHideSureDuplicates={settings.autoHideSureDuplicates}
      />
    </section>
  );
}
