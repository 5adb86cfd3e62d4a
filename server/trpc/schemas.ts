import { z } from "zod";

// Schemas that procedures of every capability take or give. Each capability's own schemas
// are in the schemas.ts beside its router.

/** A row's id as a procedure takes it. */
export const id = z.string().min(1).max(64);

/** The answer of an act that has nothing to tell but that it was done. */
export const done = z.object({ ok: z.literal(true) });
