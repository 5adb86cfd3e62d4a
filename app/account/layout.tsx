import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { getSessionUser } from "@/server/auth/session";
import { SkipLink } from "@/app/_components/skip-link";
import { SignOutButton } from "../_components/sign-out-button";

export const dynamic = "force-dynamic";

export default async function AccountLayout({ children }: { children: ReactNode }) {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in?callbackUrl=%2Faccount");
  return (
    <div className="min-h-screen">
      <SkipLink />
      <header className="border-b border-surface-line bg-surface">
        <div className="mx-auto flex max-w-4xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <Link href="/" className="text-lg font-semibold text-brand-900">
            Bankline
          </Link>
          <nav aria-label="Account">
            <ul className="flex gap-1 text-sm">
              <li>
                <Link className="block rounded-md px-3 py-2 text-ink-muted hover:bg-surface-sunken" href="/account">
                  Account
                </Link>
              </li>
              <li>
                <Link
                  className="block rounded-md px-3 py-2 text-ink-muted hover:bg-surface-sunken"
                  href="/account/two-factor"
                >
                  Two-factor sign-in
                </Link>
              </li>
            </ul>
          </nav>
          <div className="ml-auto flex items-center gap-3 text-sm">
            <span className="text-ink-muted">{user.email}</span>
            <SignOutButton />
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-4xl space-y-6 px-4 py-6">
        {children}
      </main>
    </div>
  );
}
