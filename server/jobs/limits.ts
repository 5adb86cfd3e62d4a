import { randomUUID } from "node:crypto";
import type { Db } from "@/server/db/client";

// Concurrency limits of the refresh jobs. A Semaphore bounds work inside one process; the
// AggregatorSlots bound aggregations across every worker process, as rows in PostgreSQL.

export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {}

  async acquire(): Promise<() => void> {
    if (this.active < this.size) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }
}

/** How long a slot stays taken after its holder's last renewal: a dead worker's slots free up this fast. */
const LEASE_MS = 15_000;
const RENEW_MS = 5_000;

/**
 * The aggregator's concurrency cap shared by every worker: one row per slot, leased with
 * SKIP LOCKED while a refresh request is in flight. A process first waits for a local permit
 * (so one worker never polls for slots it cannot use), then for a row.
 */
export class AggregatorSlots {
  private readonly local: Semaphore;
  private readonly holder = randomUUID();
  private readonly held = new Set<number>();
  private renewal: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    readonly size: number,
  ) {
    this.local = new Semaphore(size);
  }

  /** Stops renewing; slots still held then lapse by themselves. */
  stop() {
    if (this.renewal) clearInterval(this.renewal);
    this.renewal = null;
  }

  private async renew() {
    if (this.held.size === 0) return;
    await this.db.$executeRaw`
      UPDATE "AggregatorSlot" SET "leasedUntil" = (now() AT TIME ZONE 'UTC') + ${LEASE_MS} * interval '1 millisecond'
      WHERE "holder" = ${this.holder} AND "slot" = ANY(${[...this.held]}::int[])`.catch(() => {});
  }

  /** Makes sure slots 0 … size-1 exist; only those are leased, so a smaller size takes effect at once. */
  async ensure() {
    await this.db.$executeRaw`
      INSERT INTO "AggregatorSlot" ("slot", "leasedUntil")
      SELECT s, '-infinity'::timestamp FROM generate_series(0, ${this.size - 1}::int) AS s
      ON CONFLICT ("slot") DO NOTHING`;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const releaseLocal = await this.local.acquire();
    try {
      const slot = await this.lease();
      this.held.add(slot);
      this.renewal ??= setInterval(() => void this.renew(), RENEW_MS);
      this.renewal.unref();
      try {
        return await work();
      } finally {
        this.held.delete(slot);
        await this.db.$executeRaw`
          UPDATE "AggregatorSlot" SET "holder" = NULL, "leasedUntil" = '-infinity'::timestamp
          WHERE "slot" = ${slot} AND "holder" = ${this.holder}`;
      }
    } finally {
      releaseLocal();
    }
  }

  private async lease(): Promise<number> {
    for (let wait = 20; ; wait = Math.min(wait * 2, 1000)) {
      const rows = await this.db.$queryRaw<{ slot: number }[]>`
        UPDATE "AggregatorSlot"
        SET "holder" = ${this.holder}, "leasedUntil" = (now() AT TIME ZONE 'UTC') + ${LEASE_MS} * interval '1 millisecond'
        WHERE "slot" = (
          SELECT "slot" FROM "AggregatorSlot"
          WHERE "slot" < ${this.size} AND "leasedUntil" < (now() AT TIME ZONE 'UTC')
          LIMIT 1 FOR UPDATE SKIP LOCKED
        )
        RETURNING "slot"`;
      if (rows[0]) return rows[0].slot;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
