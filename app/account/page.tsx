import { getSessionUser } from "@/server/auth/session";
import { AccountSections } from "./account-sections";

export const metadata = { title: "Your account" };

export default async function AccountPage() {
  const user = (await getSessionUser())!;
  return (
    <>
      <h1 className="text-2xl font-semibold">Your account</h1>
      <p className="text-sm text-ink-muted">
        {user.name} · {user.email}
      </p>
      <AccountSections />
    </>
  );
}
