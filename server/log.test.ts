import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./log";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: "info", destination }), lines };
}

describe("structured logs", () => {
  it("writes JSON lines with the request id and redacts credential-like fields at any depth", () => {
    const { logger, lines } = capture();
    logger.child({ requestId: "req-1" }).info(
      { password: "hunter2", body: { credentials: { username: "u", password: "p4ss" }, answer: "blue-secret" }, token: "tok" },
      "linking",
    );
    const entry = JSON.parse(lines[0]!);
    expect(entry.requestId).toBe("req-1");
    expect(entry.msg).toBe("linking");
    const text = lines.join("");
    for (const secret of ["hunter2", "p4ss", "blue-secret", '"tok"']) expect(text).not.toContain(secret);
    expect(entry.password).toBe("[redacted]");
  });
});
