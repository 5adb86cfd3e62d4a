// Runs once when the app's server starts (Next.js's instrumentation hook).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const [{ offerTrpcHandler }, { serveTrpc }] = await Promise.all([
    import("@/server/http/handoff.js"),
    import("@/server/http/trpc-node"),
  ]);
  offerTrpcHandler(serveTrpc);
}
