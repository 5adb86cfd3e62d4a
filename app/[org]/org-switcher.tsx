"use client";

import { useRouter } from "next/navigation";

export function OrgSwitcher({ current, orgs }: { current: string; orgs: { slug: string; name: string }[] }) {
  const router = useRouter();
  const currentOrg = orgs.find((o) => o.slug === current);
  if (orgs.length < 2) return <span className="text-sm font-medium">{currentOrg?.name}</span>;
  return (
    <label className="flex items-center gap-2 text-sm">
      <span className="sr-only">Switch organization</span>
      <select
        className="field w-auto py-1"
        value={current}
        onChange={(e) => router.push(`/${e.target.value}/institutions`)}
      >
        {orgs.map((o) => (
          <option key={o.slug} value={o.slug}>
            {o.name}
          </option>
        ))}
      </select>
    </label>
  );
}
