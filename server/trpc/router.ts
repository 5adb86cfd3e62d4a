import { orgsRouter } from "@/server/orgs/router";
import { createCallerFactory, createRouter } from "./init";
import { meRouter } from "@/server/accounts/router";

export const appRouter = createRouter({
  me: meRouter,
  orgs: orgsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
