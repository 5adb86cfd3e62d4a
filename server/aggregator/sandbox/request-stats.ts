import { createHistogram, monitorEventLoopDelay, type Histogram, type RecordableHistogram } from "node:perf_hooks";

// What the sandbox itself adds to each API request beyond the latency it was told to inject:
// the wait for its event loop (a latency timer firing late, the body read) and the work of
// the handler and of sending the answer, plus how late its event loop runs in general.
// Benchmarks read it through GET /admin/stats to tell the sandbox's share of a round trip
// from the caller's.

interface RouteStats {
  wait: RecordableHistogram;
  work: RecordableHistogram;
}

export interface RequestTiming {
  route: string;
  /** Milliseconds between the request's arrival and its handler starting, less the injected latency. */
  waitMs: number;
  /** Milliseconds in the handler and in writing the answer. */
  workMs: number;
}

/** The event loop monitor's timer interval; its samples include it, so it is taken off. */
const LOOP_RESOLUTION_MS = 5;

const micros = (ms: number) => Math.max(1, Math.round(ms * 1000));

/** Mean, median, p99 and max in milliseconds (to the microsecond) of a histogram kept in `unitsPerMs`. */
function summary(h: Histogram, unitsPerMs: number) {
  const ms = (n: number) => Math.round((n / unitsPerMs) * 1000) / 1000;
  return { mean: ms(h.mean), p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) };
}

function lateBy(s: ReturnType<typeof summary>, ms: number) {
  const less = (n: number) => Math.max(0, Math.round((n - ms) * 1000) / 1000);
  return { mean: less(s.mean), p50: less(s.p50), p99: less(s.p99), max: less(s.max) };
}

export class RequestStats {
  private routes = new Map<string, RouteStats>();
  private since = Date.now();
  private readonly loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });

  constructor() {
    this.loop.enable();
  }

  record({ route, waitMs, workMs }: RequestTiming) {
    let s = this.routes.get(route);
    if (!s) {
      s = { wait: createHistogram(), work: createHistogram() };
      this.routes.set(route, s);
    }
    s.wait.record(micros(waitMs));
    s.work.record(micros(workMs));
  }

  reset() {
    this.routes.clear();
    this.loop.reset();
    this.since = Date.now();
  }

  stop() {
    this.loop.disable();
  }

  /** Per route and for the event loop: mean, median, p99 and max milliseconds since the last reset. */
  report() {
    return {
      since: new Date(this.since).toISOString(),
      eventLoopDelayMs: lateBy(summary(this.loop, 1e6), LOOP_RESOLUTION_MS),
      routes: Object.fromEntries(
        [...this.routes].map(([route, s]) => [
          route,
          { count: s.wait.count, waitMs: summary(s.wait, 1000), workMs: summary(s.work, 1000) },
        ]),
      ),
    };
  }
}
