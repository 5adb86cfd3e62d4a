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
/** A leased slot nobody here used for this long goes back to the other workers. */
const IDLE_RETURN_MS = 1_000;

/**
 * The aggregator's concurrency cap shared by every worker: one row per slot in
 * "AggregatorSlot", leased with SKIP LOCKED and renewed while held. A worker keeps the slots
 * it leased while it has refreshes to run, so a busy worker pays no database round trip per
 * request, and hands them back after a second of idleness; a dead worker's leases lapse.
 */
export class AggregatorSlots {
  private readonly holder = randomUUID();
  private readonly free: number[] = [];
  private readonly busy = new Set<number>();
  private readonly idleSince = new Map<number, number>();
  private readonly waiting: ((slot: number) => void)[] = [];
  private leasing = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    readonly size: number,
    /** The first slot's number: 0 for the aggregator's cap; tests give each file a range of its own. */
    private readonly first = 0,
  ) {}

  /** Makes sure slots first … first+size-1 exist; only those are leased, so a smaller size takes effect at once. */
  async ensure() {
    await this.db.$executeRaw`
      INSERT INTO "AggregatorSlot" ("slot", "leasedUntil")
      SELECT s, '-infinity'::timestamp FROM generate_series(${this.first}::int, ${this.first + this.size - 1}::int) AS s
      ON CONFLICT ("slot") DO NOTHING`;
  }

  /** Hands every slot back (a graceful stop); a crash leaves them to lapse. */
  async stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const held = [...this.free, ...this.busy];
    this.free.length = 0;
    if (held.length) await this.giveBack(held);
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const slot = await this.take();
    try {
      return await work();
    } finally {
      this.put(slot);
    }
  }

  private async take(): Promise<number> {
    const ready = this.free.pop();
    if (ready !== undefined) return this.use(ready);
    return new Promise<number>((resolve) => {
      this.waiting.push((slot) => resolve(this.use(slot)));
      void this.leaseMore();
    });
  }

  private use(slot: number) {
    this.busy.add(slot);
    this.idleSince.delete(slot);
    return slot;
  }

  private put(slot: number) {
    this.busy.delete(slot);
    const next = this.waiting.shift();
    if (next) return next(slot);
    this.free.push(slot);
    this.idleSince.set(slot, Date.now());
  }

  /** Leases slots for those waiting, polling with backoff while other workers hold them all. */
  private async leaseMore() {
    if (this.leasing) return;
    this.leasing = true;
    this.timer ??= setInterval(() => void this.maintain(), RENEW_MS / 5);
    this.timer.unref();
    try {
      for (let wait = 20; this.waiting.length > 0;) {
        const want = Math.min(this.waiting.length, this.size - this.free.length - this.busy.size);
        const got = want > 0 ? await this.lease(want) : [];
        for (const slot of got) this.put(slot);
        if (got.length === 0 && this.waiting.length > 0) {
          await new Promise((r) => setTimeout(r, wait));
          wait = Math.min(wait * 2, 1000);
        }
      }
    } finally {
      this.leasing = false;
    }
  }

  private async lease(count: number): Promise<number[]> {
    const rows = await this.db.$queryRaw<{ slot: number }[]>`
      UPDATE "AggregatorSlot"
      SET "holder" = ${this.holder}, "leasedUntil" = (now() AT TIME ZONE 'UTC') + ${LEASE_MS} * interval '1 millisecond'
      WHERE "slot" IN (
        SELECT "slot" FROM "AggregatorSlot"
        WHERE "slot" >= ${this.first} AND "slot" < ${this.first + this.size}
          AND "leasedUntil" < (now() AT TIME ZONE 'UTC')
        LIMIT ${count} FOR UPDATE SKIP LOCKED
      )
      RETURNING "slot"`;
    return rows.map((r) => r.slot);
  }

  private lastRenewal = 0;

  /** Renews what is held and hands back what sat idle. */
  private async maintain() {
    const now = Date.now();
    const idle = this.free.filter((slot) => now - (this.idleSince.get(slot) ?? now) > IDLE_RETURN_MS);
    if (idle.length) {
      for (const slot of idle) {
        this.free.splice(this.free.indexOf(slot), 1);
        this.idleSince.delete(slot);
      }
      await this.giveBack(idle);
    }
    const held = [...this.free, ...this.busy];
    if (held.length && now - this.lastRenewal >= RENEW_MS) {
      this.lastRenewal = now;
      await this.db.$executeRaw`
        UPDATE "AggregatorSlot" SET "leasedUntil" = (now() AT TIME ZONE 'UTC') + ${LEASE_MS} * interval '1 millisecond'
        WHERE "holder" = ${this.holder} AND "slot" = ANY(${held}::int[])`.catch(() => {});
    }
  }

  private async giveBack(slots: number[]) {
    await this.db.$executeRaw`
      UPDATE "AggregatorSlot" SET "holder" = NULL, "leasedUntil" = '-infinity'::timestamp
      WHERE "holder" = ${this.holder} AND "slot" = ANY(${slots}::int[])`.catch(() => {});
  }
}
