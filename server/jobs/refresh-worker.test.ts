import { describe, expect, it } from "vitest";
import { log } from "@/server/log";
import { RefreshWorker } from "./refresh-worker";
import type { RefreshDeps } from "./refresh-ticket";
import { waitUntil } from "./testing/helpers";

// The refresh loop's fetching, against a queue that has nothing to give: no database needed.

function idleQueue() {
  const fetches: Date[] = [];
  const boss = {
    fetch: async () => {
      fetches.push(new Date());
      return [];
    },
    complete: async () => {},
    fail: async () => {},
    touch: async () => {},
  };
  return { boss, fetches };
}

describe("refresh loop", () => {
  it("fetches as soon as this process queued refresh jobs, not at its next idle poll", async () => {
    const { boss, fetches } = idleQueue();
    const worker = new RefreshWorker(boss as never, {} as RefreshDeps, {
      jobsInFlight: 6,
      perInstitution: 2,
      heartbeatSeconds: 30,
      idlePollMs: 60_000,
      log,
    });
    worker.start();
    try {
      await waitUntil("the first fetch", async () => fetches.length === 1, 5_000);
      worker.nudge();
      // Without the nudge the next fetch would come after a minute.
      await waitUntil("a fetch after the nudge", async () => fetches.length === 2, 5_000);
    } finally {
      await worker.stop({ graceful: true });
    }
    expect(fetches).toHaveLength(2);
  });
});
