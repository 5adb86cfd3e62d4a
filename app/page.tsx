import { redirect } from "next/navigation";
import { getSessionUser } from "@/server/auth/session";
import { getDb } from "@/server/db/client";
import { listMyOrganizations } from "@/server/orgs/service";

export const dynamic = "force-dynamic";

/** Sends a person where they work: their first organization, or the console for staff. */
export default async function Home() {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  const orgs = await listMyOrganizations(getDb(), user.id);
  if (orgs[0]) redirect(`/${orgs[0].slug}/institutions`);
  if (user.staffRole) redirect("/admin");
  redirect("/no-organization");
}
