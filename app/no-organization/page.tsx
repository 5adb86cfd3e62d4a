import { SignOutButton } from "../_components/sign-out-button";

export const metadata = { title: "No organization" };

export default function NoOrganization() {
  return (
    <main className="mx-auto max-w-md p-8">
      <div className="card space-y-3">
        <h1 className="text-xl font-semibold">You are not in an organization yet</h1>
        <p className="text-sm text-ink-muted">
          Ask an owner or admin of your organization to add you, then sign in again.
        </p>
        <SignOutButton />
      </div>
    </main>
  );
}
