import { existsSync } from "node:fs";
import { appendFile, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";

// The sandbox's durable state: an in-memory map per collection, persisted as a snapshot
// (SANDBOX_STATE_FILE) plus an append-only journal beside it (`<file>.journal`). A change
// costs one short JSON line appended in a batch every few milliseconds, never a rewrite of
// the whole file, so thousands of logins under concurrent load stay cheap. The journal is
// folded into a new snapshot (written to a temp file and renamed, so never half-written)
// when it grows and at shutdown. On start the snapshot is read and the journal replayed; a
// torn last line from a crash is skipped.

export type Collection = "customers" | "logins" | "bankUsers" | "outages" | "linkStyles" | "settings";
const COLLECTIONS: Collection[] = ["customers", "logins", "bankUsers", "outages", "linkStyles", "settings"];

interface JournalLine {
  c: Collection;
  k: string;
  v: unknown;
}

export interface StateStoreOptions {
  /** Snapshot path; null keeps everything in memory. */
  file: string | null;
  flushDelayMs?: number;
  /** Compact once the journal has this many lines more than the state has records. */
  compactAfterLines?: number;
  onError?: (err: unknown) => void;
}

export class StateStore {
  private readonly maps = new Map<Collection, Map<string, unknown>>(COLLECTIONS.map((c) => [c, new Map()]));
  private buffer: string[] = [];
  private journalLines = 0;
  private flushTimer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(private readonly options: StateStoreOptions) {}

  static async open(options: StateStoreOptions): Promise<StateStore> {
    const store = new StateStore(options);
    if (options.file) await store.load(options.file);
    return store;
  }

  private get journalFile() {
    return `${this.options.file}.journal`;
  }

  private async load(file: string) {
    await mkdir(path.dirname(file), { recursive: true });
    if (existsSync(file)) {
      const snapshot = JSON.parse(await readFile(file, "utf8")) as Partial<Record<Collection, Record<string, unknown>>>;
      for (const c of COLLECTIONS) {
        for (const [k, v] of Object.entries(snapshot[c] ?? {})) this.maps.get(c)!.set(k, v);
      }
    }
    if (existsSync(this.journalFile)) {
      for (const line of (await readFile(this.journalFile, "utf8")).split("\n")) {
        if (!line) continue;
        let entry: JournalLine;
        try {
          entry = JSON.parse(line);
        } catch {
          continue; // a line torn by a crash mid-append
        }
        if (entry.v === null) this.maps.get(entry.c)?.delete(entry.k);
        else this.maps.get(entry.c)?.set(entry.k, entry.v);
      }
    }
    // Start from a clean snapshot and an empty journal.
    await this.compactNow();
  }

  get<T>(c: Collection, key: string): T | undefined {
    return this.maps.get(c)!.get(key) as T | undefined;
  }

  values<T>(c: Collection): IterableIterator<T> {
    return this.maps.get(c)!.values() as IterableIterator<T>;
  }

  keys(c: Collection): IterableIterator<string> {
    return this.maps.get(c)!.keys();
  }

  size(c: Collection): number {
    return this.maps.get(c)!.size;
  }

  /** Stores the value as it is now; later mutations of the object need another put. */
  put(c: Collection, key: string, value: unknown) {
    this.maps.get(c)!.set(key, value);
    this.append({ c, k: key, v: value });
  }

  delete(c: Collection, key: string) {
    if (!this.maps.get(c)!.delete(key)) return;
    this.append({ c, k: key, v: null });
  }

  private append(line: JournalLine) {
    if (!this.options.file || this.closed) return;
    this.buffer.push(`${JSON.stringify(line)}\n`);
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = null;
      void this.flush();
    }, this.options.flushDelayMs ?? 20);
  }

  /** Appends buffered changes (and compacts when the journal has grown). Resolves once on disk. */
  flush(): Promise<void> {
    if (!this.options.file) return Promise.resolve();
    this.chain = this.chain
      .then(async () => {
        if (this.buffer.length === 0) return;
        const lines = this.buffer;
        this.buffer = [];
        await appendFile(this.journalFile, lines.join(""));
        this.journalLines += lines.length;
        const records = COLLECTIONS.reduce((n, c) => n + this.maps.get(c)!.size, 0);
        if (this.journalLines > (this.options.compactAfterLines ?? 5000) + records) await this.compactNow();
      })
      .catch((err) => this.options.onError?.(err));
    return this.chain;
  }

  /**
   * Must run inside the chain (or before any append). The buffer goes to the journal first,
   * so a crash between the rename and the truncation replays lines that end at the values
   * the snapshot already holds.
   */
  private async compactNow() {
    const file = this.options.file!;
    if (this.buffer.length > 0) {
      const lines = this.buffer;
      this.buffer = [];
      await appendFile(this.journalFile, lines.join(""));
    }
    const snapshot = JSON.stringify(
      Object.fromEntries(COLLECTIONS.map((c) => [c, Object.fromEntries(this.maps.get(c)!)])),
    );
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, snapshot);
    await rename(tmp, file);
    await writeFile(this.journalFile, "");
    this.journalLines = 0;
  }

  /** Writes a final snapshot; later changes are kept in memory only. */
  async close() {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (!this.options.file) return;
    await this.flush();
    this.chain = this.chain.then(() => this.compactNow()).catch((err) => this.options.onError?.(err));
    await this.chain;
    this.closed = true;
  }
}
