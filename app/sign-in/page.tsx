import Link from "next/link";
import { redirect } from "next/navigation";
import { getSessionState } from "@/server/auth/session";
import { sameSitePath } from "@/server/http/safe-redirect";
import { PublicCard } from "../_components/people/public-card";
import { SignInForm } from "./sign-in-form";

export const metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

const NOTES: Record<string, string> = {
  "password-reset": "Your password was changed. Sign in with the new one.",
  "invitation-accepted": "You joined the organization. Sign in to open it.",
  "two-factor-reset": "Two-factor sign-in was turned off. Sign in again.",
};

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string; note?: string }>;
}) {
  const state = await getSessionState();
  if (state.kind === "active") redirect("/");
  const { callbackUrl, note } = await searchParams;
  const safeCallback = sameSitePath(callbackUrl);
  return (
    <PublicCard
      title={state.kind === "code-required" ? "Two-factor sign-in" : "Sign in"}
      intro={<>Sign in to your organization&apos;s books.</>}
    >
      {note && NOTES[note] && (
        <p role="status" className="mb-4 rounded-md bg-brand-50 px-3 py-2 text-sm text-brand-700">
          {NOTES[note]}
        </p>
      )}
      <SignInForm callbackUrl={safeCallback} codeStep={state.kind === "code-required"} />
      {state.kind !== "code-required" && (
        <p className="mt-4 text-sm">
          <Link href="/sign-in/forgot" className="text-brand-600 underline">
            Forgot your password?
          </Link>
        </p>
      )}
    </PublicCard>
  );
}
