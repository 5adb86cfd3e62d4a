import { getServerSession } from "next-auth";
import { cache } from "react";
import { getDb } from "@/server/db/client";
import { authOptions } from "./options";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  staffRole: "SUPPORT" | "SUPPORT_ADMIN" | null;
}

/**
 * The signed-in user for this request, read fresh from the database so a removed user
 * or a changed staff role takes effect at once. Cached per request.
 */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const session = await getServerSession(authOptions);
  const id = session?.user?.id;
  if (!id) return null;
  return getDb().user.findUnique({
    where: { id },
    select: { id: true, email: true, name: true, staffRole: true },
  });
});
