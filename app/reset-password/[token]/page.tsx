import Link from "next/link";
import { findOpenReset } from "@/server/auth/password-reset";
import { getDb } from "@/server/db/client";
import { PublicCard } from "../../_components/people/public-card";
import { ResetForm } from "./reset-form";

export const metadata = { title: "Choose a new password", referrer: "no-referrer" };
export const dynamic = "force-dynamic";

export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const reset = await findOpenReset(getDb(), token);
  if (!reset) {
    return (
      <PublicCard title="This link no longer works">
        <p className="mb-4 text-sm">It was already used or is older than 30 minutes.</p>
        <Link href="/sign-in/forgot" className="text-sm text-brand-600 underline">
          Ask for a new link
        </Link>
      </PublicCard>
    );
  }
  return (
    <PublicCard
      title="Choose a new password"
      intro={<>For {reset.user.email}. Choosing it signs you out everywhere.</>}
    >
      <ResetForm token={token} email={reset.user.email} />
    </PublicCard>
  );
}
