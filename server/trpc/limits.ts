// What one tRPC request may ask of the server. The browser's batch link uses the same batch
// size (app/_lib/trpc.tsx); a larger batch is refused with 400, a larger body with 413.

export const MAX_BATCH_SIZE = 16;
export const MAX_TRPC_BODY_BYTES = 1024 * 1024;
