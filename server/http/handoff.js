// @ts-check
// The web server (server/http/main.js) runs outside Next.js's build and cannot import the app's
// modules; the app hands it its tRPC handler through a global when it starts (instrumentation.ts).

/** Where tRPC's procedures are called: the browser's batch link, the endpoint, the route's folder. */
export const TRPC_ENDPOINT = "/api/trpc";

const TRPC_NODE_HANDLER = Symbol.for("bankline.trpcNodeHandler");

/**
 * @typedef {import("node:http").IncomingMessage} IncomingMessage
 * @typedef {import("node:http").ServerResponse} ServerResponse
 * @typedef {(req: IncomingMessage, res: ServerResponse) => Promise<void>} NodeHandler
 */

/** @param {NodeHandler} handler */
export function offerTrpcHandler(handler) {
  /** @type {Record<symbol, NodeHandler>} */ (globalThis)[TRPC_NODE_HANDLER] = handler;
}

/** @returns {NodeHandler | undefined} the handler the app offered, once Next.js has prepared it */
export function offeredTrpcHandler() {
  return /** @type {Record<symbol, NodeHandler | undefined>} */ (globalThis)[TRPC_NODE_HANDLER];
}
