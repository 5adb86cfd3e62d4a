import Link from "next/link";
import { getDb } from "@/server/db/client";
import { roleName, viewInvitation } from "@/server/invitations/service";
import { PublicCard } from "../../_components/people/public-card";
import { AcceptForm } from "./accept-form";

export const metadata = { title: "Invitation", referrer: "no-referrer" };
export const dynamic = "force-dynamic";

export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = await viewInvitation(getDb(), token);
  if (invitation.state === "closed") {
    return (
      <PublicCard title="This invitation no longer works">
        <p className="mb-4 text-sm">
          It was already used, revoked, or is older than 7 days. Ask whoever invited you to send it again.
        </p>
        <Link href="/sign-in" className="text-sm text-brand-600 underline">
          Go to sign in
        </Link>
      </PublicCard>
    );
  }
  return (
    <PublicCard
      title={`Join ${invitation.organizationName}`}
      intro={
        <>
          You are invited as {roleName(invitation.role)} of {invitation.organizationName}, as {invitation.email}.
        </>
      }
    >
      <AcceptForm token={token} email={invitation.email} hasAccount={invitation.hasAccount} />
    </PublicCard>
  );
}
