import { appendFile, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StateStore } from "./state-store";

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sandbox-state-"));
  file = path.join(dir, "state.json");
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("sandbox state store", () => {
  it("keeps records across a clean restart", async () => {
    const store = await StateStore.open({ file });
    store.put("logins", "a", { id: "a", statusCode: 0 });
    store.put("logins", "b", { id: "b" });
    store.delete("logins", "b");
    await store.close();
    const again = await StateStore.open({ file });
    expect(again.get("logins", "a")).toEqual({ id: "a", statusCode: 0 });
    expect(again.get("logins", "b")).toBeUndefined();
    await again.close();
  });

  it("replays the journal after a crash and skips a torn last line", async () => {
    const store = await StateStore.open({ file, flushDelayMs: 1 });
    store.put("customers", "c1", { id: "c1" });
    store.put("customers", "c1", { id: "c1", name: "second" });
    await store.flush();
    // A crash: no close, and a half-written line at the end of the journal.
    await appendFile(`${file}.journal`, '{"c":"customers","k":"c2","v":{"id"');
    const again = await StateStore.open({ file });
    expect(again.get("customers", "c1")).toEqual({ id: "c1", name: "second" });
    expect(again.get("customers", "c2")).toBeUndefined();
    expect(JSON.parse(await readFile(file, "utf8")).customers.c1.name).toBe("second");
    await again.close();
  });

  it("appends changes instead of rewriting the snapshot, and compacts when the journal grows", async () => {
    const store = await StateStore.open({ file, flushDelayMs: 1, compactAfterLines: 1000 });
    const snapshotBefore = (await stat(file)).mtimeMs;
    for (let i = 0; i < 500; i++) store.put("logins", `l${i % 50}`, { id: i });
    await store.flush();
    expect((await stat(file)).mtimeMs).toBe(snapshotBefore);
    expect((await readFile(`${file}.journal`, "utf8")).split("\n").length).toBeGreaterThan(500);
    for (let i = 0; i < 1500; i++) store.put("logins", `l${i % 50}`, { id: 1000 + i });
    await store.flush();
    await store.flush();
    const journal = await readFile(`${file}.journal`, "utf8");
    expect(journal.split("\n").length).toBeLessThan(1100);
    await store.close();
    const again = await StateStore.open({ file });
    expect(again.get("logins", "l49")).toEqual({ id: 1000 + 1499 });
    expect(again.size("logins")).toBe(50);
    await again.close();
  });

  it("stays fast with thousands of records", async () => {
    const store = await StateStore.open({ file });
    const started = performance.now();
    for (let i = 0; i < 6000; i++)
      store.put("logins", `login_${i}`, { id: `login_${i}`, statusCode: 0, pendingSeen: { "chk:1.2": 1 } });
    await store.flush();
    expect(performance.now() - started).toBeLessThan(2000);
    await store.close();
    const reopened = performance.now();
    const again = await StateStore.open({ file });
    expect(again.size("logins")).toBe(6000);
    expect(performance.now() - reopened).toBeLessThan(2000);
    await again.close();
  });
});
