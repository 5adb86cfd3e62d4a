import { loadConnection, loginRef, type EngineDeps } from "./attempt";
import { settleRemoval } from "./transitions";

/**
 * Removes the login at the aggregator (a login already gone there counts as removed), then the connection in Bankline.
 */
export async function removeConnection(
  deps: EngineDeps,
  args: { organizationId: string; connectionId: string; actorUserId: string },
) {
  const connection = await loadConnection(deps.db, args.organizationId, args.connectionId);
  const startedAt = new Date();
  if (connection.providerLoginId) await deps.aggregator.remove(loginRef(connection));
  await settleRemoval(deps.db, { connection, actorUserId: args.actorUserId, startedAt });
}
