import { getDb } from "@/server/db/client";
import { readUnsubscribeToken, setMailPreference } from "@/server/mail/unsubscribe";

// One-click stop (RFC 8058): mail programs POST here from the List-Unsubscribe header, and the
// page's button does the same.
export async function POST(req: Request, { params }: { params: Promise<{ token: string }> }) {
  const token = decodeURIComponent((await params).token);
  const target = readUnsubscribeToken(token);
  if (!target) return new Response("This link does not work.", { status: 404 });
  await setMailPreference(getDb(), target.userId, target.kind, false);
  const fromPage =
    (req.headers.get("content-type") ?? "").includes("form") && !(await req.text()).includes("List-Unsubscribe");
  if (fromPage)
    return new Response(null, {
      status: 303,
      headers: { Location: `/unsubscribe/${encodeURIComponent(token)}?done=1` },
    });
  return new Response(null, { status: 204 });
}
