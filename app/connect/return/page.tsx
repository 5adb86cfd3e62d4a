import { ConnectReturn } from "./connect-return";

export const metadata = { title: "Back from the secure page" };

/**
 * Where the aggregator's hosted page sends the browser when the customer is done. It runs in
 * the frame or window that showed that page and tells the Bankline window that opened it.
 */
export default async function Page({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : null);
  return (
    <ConnectReturn
      orgSlug={one(params.org)}
      sessionId={one(params.session)}
      ending={one(params.status) === "cancelled" ? "cancelled" : "completed"}
    />
  );
}
