import { randomInt } from "node:crypto";
import { inject } from "vitest";
import type { AggregatorClient } from "@/server/aggregator/client";
import type { Db } from "@/server/db/client";
import { log } from "@/server/log";
import { testDb } from "@/server/testing/db";
import { callerFor, testAggregator, uniqueSuffix, type OrgFixture } from "@/server/testing/fixtures";
import type { MailConfig } from "@/server/mail/config";
import type { MailTransport } from "@/server/mail/transport";
import type { JobsConfig } from "../config";
import { startWorker } from "../worker";

// Helpers for the job tests: a worker on the run's database with a pg-boss schema of the
// test file's own, quick timings, and connections linked for real at the sandbox.

export const testJobsConfig: JobsConfig = {
  refreshCron: "0 6 * * *",
  refreshCronTz: "UTC",
  refreshWindowSeconds: 0,
  aggregatorConcurrency: 4,
  perInstitution: 3,
  readConcurrency: 4,
  heartbeatSeconds: 10,
  superviseSeconds: 1,
  sweepCron: "* * * * *",
  weeklySummaryCron: "0 13 * * 1",
};

export const testMailConfig: MailConfig = {
  smtpUrl: null,
  from: "Bankline <no-reply@bankline.test>",
  appUrl: "http://bankline.test",
};

export const testQueueSchema = () => `pgboss_test_${uniqueSuffix()}`;

export function startTestWorker(options: {
  schema: string;
  config?: Partial<JobsConfig>;
  aggregator?: AggregatorClient;
  mail?: { transport?: MailTransport; config?: MailConfig };
}) {
  return startWorker(
    {
      databaseUrl: inject("databaseUrl"),
      db: testDb(),
      aggregator: options.aggregator ?? testAggregator(),
      log,
      config: { ...testJobsConfig, ...options.config },
      queueSchema: options.schema,
      // The aggregator's slots are rows shared by the whole database: a range of its own keeps
      // the workers of other test files from taking this one's share of the cap.
      firstAggregatorSlot: 1_000 * (1 + randomInt(1_000_000)),
      mail: { config: options.mail?.config ?? testMailConfig, transport: options.mail?.transport },
    },
    { schedules: false },
  );
}

/** Links a sandbox test login for real, as the organization's owner; answers the connection id. */
export async function linkAtSandbox(fx: OrgFixture, institutionId: string, username = "demo"): Promise<string> {
  const outcome = await callerFor(testDb(), fx.users.OWNER).connections.link({
    orgSlug: fx.org.slug,
    institutionId,
    credentials: { username, password: "go" },
  });
  if (outcome.kind !== "connected") throw new Error(`linking ${username} at ${institutionId} gave ${outcome.kind}`);
  return outcome.connectionId;
}

export async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const unfinishedTickets = (db: Db, cycleId: string) =>
  db.refreshTicket.count({ where: { cycleId, finishedAt: null } });
