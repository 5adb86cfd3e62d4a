import { processMetrics } from "./registry";

/** Counts a finished procedure call and its time, by procedure. */
export function recordProcedure(procedure: string, type: string, code: string, startedAt: number) {
  const metrics = processMetrics();
  metrics.procedureCalls.inc({ procedure, type, code });
  metrics.procedureSeconds.observe({ procedure, type }, (performance.now() - startedAt) / 1000);
}

/** The whole request of an API route, from its handler's start to its answer. */
export function recordHttpRequest(route: string, startedAt: number) {
  processMetrics().httpSeconds.observe({ route }, (performance.now() - startedAt) / 1000);
}
