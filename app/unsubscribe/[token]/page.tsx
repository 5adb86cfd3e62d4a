import { PublicCard } from "../../_components/people/public-card";
import { OPTIONAL_MAIL } from "@/server/mail/templates";
import { readUnsubscribeToken } from "@/server/mail/unsubscribe";

export const metadata = { title: "Stop these emails", referrer: "no-referrer" };
export const dynamic = "force-dynamic";

// The link in every optional email. Stopping takes one button (a link scanner opening the
// page changes nothing); mail programs use the List-Unsubscribe-Post header's one click.
export default async function UnsubscribePage({
  params,
  searchParams,
}: {
  params: Promise<{ token: string }>;
  searchParams: Promise<{ done?: string }>;
}) {
  const { token } = await params;
  const { done } = await searchParams;
  const target = readUnsubscribeToken(decodeURIComponent(token));
  if (!target) {
    return (
      <PublicCard title="This link does not work">
        <p className="text-sm">Change which emails you get on your account page instead.</p>
      </PublicCard>
    );
  }
  const what = OPTIONAL_MAIL[target.kind];
  if (done) {
    return (
      <PublicCard title="You will not get these emails any more">
        <p role="status" className="text-sm">
          Stopped: {what.toLowerCase()}. You can turn them on again on your account page.
        </p>
      </PublicCard>
    );
  }
  return (
    <PublicCard title="Stop these emails?" intro={what}>
      <form method="post" action={`/api/unsubscribe/${encodeURIComponent(decodeURIComponent(token))}`}>
        <button type="submit" className="btn-primary w-full">
          Stop these emails
        </button>
      </form>
    </PublicCard>
  );
}
