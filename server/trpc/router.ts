import { connectionsRouter } from "@/server/connections/router";
import { feedRouter } from "@/server/feed/router";
import { orgsRouter } from "@/server/orgs/router";
import { matchesRouter } from "@/server/matches/router";
import { registerRouter } from "@/server/register/router";
import { statementsRouter } from "@/server/statements/router";
import { createCallerFactory, createRouter } from "./init";
import { meRouter } from "@/server/accounts/router";
import { authRouter } from "@/server/auth/router";
import { supportRouter } from "@/server/support/router";

export const appRouter = createRouter({
  me: meRouter,
  auth: authRouter,
  orgs: orgsRouter,
  connections: connectionsRouter,
  feed: feedRouter,
  register: registerRouter,
  matches: matchesRouter,
  statements: statementsRouter,
  support: supportRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
