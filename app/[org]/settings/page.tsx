import { requireOrgMember } from "@/server/orgs/page-access";
import { orgRoleAllows } from "@/server/trpc/permissions";
import { FeedSettingsForm } from "./feed-settings-form";

export const metadata = { title: "Settings" };

export default async function SettingsPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const { role } = await requireOrgMember(org);
  return (
    <section aria-labelledby="page-title" className="space-y-4">
      <h1 id="page-title" className="text-2xl font-semibold">
        Settings
      </h1>
      <p className="text-ink-muted">
        How Bankline works for your whole organization. Owners and admins change these; everyone can read them.
      </p>
      <FeedSettingsForm orgSlug={org} canManage={orgRoleAllows(role, "settings.manage")} />
    </section>
  );
}
