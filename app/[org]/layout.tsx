import Link from "next/link";
import type { ReactNode } from "react";
import { requireOrgMember } from "@/server/orgs/page-access";
import { NoticesIndicator } from "../_components/connections/notices-indicator";
import { SignOutButton } from "../_components/sign-out-button";
import { PortalNav } from "./portal-nav";
import { OrgSwitcher } from "./org-switcher";
import { SkipLink } from "@/app/_components/skip-link";

export default async function PortalLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ org: string }>;
}) {
  const { org: slug } = await params;
  const { user, org, role, organizations } = await requireOrgMember(slug);

  return (
    <div className="min-h-screen">
      <SkipLink />
      <header className="border-b border-surface-line bg-surface">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <Link href="/" className="text-lg font-semibold text-brand-900">
            Bankline
          </Link>
          <OrgSwitcher current={org.slug} orgs={organizations} />
          <PortalNav slug={org.slug} />
          <div className="ml-auto flex items-center gap-3 text-sm">
            <NoticesIndicator orgSlug={org.slug} />
            <span className="hidden text-ink-muted sm:inline" title={`Your role: ${role.toLowerCase()}`}>
              {user.email} · {role.toLowerCase()}
            </span>
            {user.staffRole && (
              <Link className="text-brand-600 underline" href="/admin">
                Support console
              </Link>
            )}
            <Link className="text-brand-600 underline" href="/account">
              Account
            </Link>
            <SignOutButton />
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-6xl px-4 py-6">
        {children}
      </main>
    </div>
  );
}
