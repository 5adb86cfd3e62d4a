import { z } from "zod";
import { createRouter, signedInProcedure } from "@/server/trpc/init";
import { STAFF_ROLES } from "@/server/trpc/permissions";

export const meRouter = createRouter({
  get: signedInProcedure
    .input(z.void())
    .output(z.object({ id: z.string(), email: z.string(), name: z.string(), staffRole: z.enum(STAFF_ROLES).nullable() }))
    .query(({ ctx }) => ctx.user),
});
