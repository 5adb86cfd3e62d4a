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
      {
        password: "hunter2",
        body: { credentials: { username: "u", password: "p4ss" }, answer: "blue-secret" },
        token: "tok",
      },
      "linking",
    );
    const entry = JSON.parse(lines[0]!);
    expect(entry.requestId).toBe("req-1");
    expect(entry.msg).toBe("linking");
    const text = lines.join("");
    for (const secret of ["hunter2", "p4ss", "blue-secret", '"tok"']) expect(text).not.toContain(secret);
    expect(entry.password).toBe("[redacted]");
  });

  it("censors credential-like keys under any spelling and at any depth, in errors too", () => {
    const { logger, lines } = capture();
    const err = Object.assign(new Error("request failed"), {
      config: { headers: { Authorization: "Bearer err-header-secret" } },
    });
    logger.child({ requestId: "req-2" }).error(
      {
        err,
        form: { currentPassword: "old-pw-111", confirmPassword: "new-pw-222" },
        provider: { auth: { clientSecret: "client-secret-333", "api-key": "dash-key-444" } },
        deep: { a: { b: { c: { d: { e: { securityAnswer: "deep-answer-555" } } } } } },
        list: [{ password: "in-a-list-666" }],
        amountCents: 1250,
      },
      "aggregator call failed",
    );
    const text = lines.join("");
    for (const secret of [
      "err-header-secret",
      "old-pw-111",
      "new-pw-222",
      "client-secret-333",
      "dash-key-444",
      "deep-answer-555",
      "in-a-list-666",
    ]) {
      expect(text).not.toContain(secret);
    }
    const entry = JSON.parse(lines[0]!);
    expect(entry.err.message).toBe("request failed");
    expect(entry.err.stack).toContain("request failed");
    expect(entry.amountCents).toBe(1250);
    expect(entry.provider.auth.clientSecret).toBe("[redacted]");
  });
});
