"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const sections = [
  { path: "institutions", label: "Manage Institutions" },
  { path: "feed", label: "Bank feed" },
  { path: "register", label: "Register" },
  { path: "members", label: "Members" },
  { path: "settings", label: "Settings" },
];

export function PortalNav({ slug }: { slug: string }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Organization" className="order-last w-full md:order-none md:w-auto">
      <ul className="flex flex-wrap gap-1 text-sm">
        {sections.map((s) => {
          const href = `/${slug}/${s.path}`;
          const current = pathname === href || pathname.startsWith(`${href}/`);
          return (
            <li key={s.path}>
              <Link
                href={href}
                aria-current={current ? "page" : undefined}
                className={
                  "block whitespace-nowrap rounded-md px-3 py-2 " +
                  (current
                    ? "bg-brand-50 font-medium text-brand-700"
                    : "text-ink-muted hover:bg-surface-sunken hover:text-ink")
                }
              >
                {s.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
