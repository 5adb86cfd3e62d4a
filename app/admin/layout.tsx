import Link from "next/link";
import type { ReactNode } from "react";
import { requireStaff } from "@/server/orgs/page-access";
import { SignOutButton } from "../_components/sign-out-button";
import { KnownIssuesBanner } from "./_components/known-issues-banner";
import { SkipLink } from "@/app/_components/skip-link";

export const metadata = { title: { default: "Support console", template: "%s · Support console" } };

export default async function AdminLayout({ children }: { children: ReactNode }) {
  const staff = await requireStaff();
  return (
    <div className="min-h-screen">
      <SkipLink />
      <header className="border-b border-surface-line bg-brand-900 text-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <Link href="/admin" className="text-lg font-semibold">
            Bankline support
          </Link>
          <nav aria-label="Support console">
            <ul className="flex flex-wrap gap-1 text-sm">
              <li>
                <Link className="block rounded-md px-3 py-2 hover:bg-white/10" href="/admin">
                  Search
                </Link>
              </li>
              <li>
                <Link className="block rounded-md px-3 py-2 hover:bg-white/10" href="/admin/institutions">
                  Institution health
                </Link>
              </li>
              <li>
                <Link className="block rounded-md px-3 py-2 hover:bg-white/10" href="/admin/audit">
                  Audit log
                </Link>
              </li>
            </ul>
          </nav>
          <div className="ml-auto flex items-center gap-3 text-sm">
            <span>
              {staff.email} · {staff.staffRole === "SUPPORT_ADMIN" ? "support admin" : "support"}
            </span>
            <Link className="underline" href="/account">
              Account
            </Link>
            <SignOutButton className="btn border border-white/40 text-white hover:bg-white/10" />
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-6xl px-4 py-6">
        <KnownIssuesBanner />
        {children}
      </main>
    </div>
  );
}
