import { connectionsRouter } from "@/server/connections/router";
import { orgsRouter } from "@/server/orgs/router";
import { createCallerFactory, createRouter } from "./init";
import { meRouter } from "@/server/accounts/router";

export const appRouter = createRouter({
  me: meRouter,
  orgs: orgsRouter,
  connections: connectionsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
