import { describe, expect, inject, it } from "vitest";
import { unsubscribeToken } from "@/server/mail/unsubscribe";
import { testDb } from "@/server/testing/db";
import { uniqueSuffix } from "@/server/testing/fixtures";

process.env.DATABASE_URL = inject("databaseUrl");
const { POST } = await import("./[token]/route");

const post = (token: string, body: string, type = "application/x-www-form-urlencoded") =>
  POST(
    new Request(`http://bankline.test/api/unsubscribe/${encodeURIComponent(token)}`, {
      method: "POST",
      body,
      headers: { "content-type": type },
    }),
    {
      params: Promise.resolve({ token: encodeURIComponent(token) }),
    },
  );

describe("one-click unsubscribe", () => {
  it("a mail program's one-click POST stops that kind of email for that person only", async () => {
    const user = await testDb().user.create({
      data: { email: `u-${uniqueSuffix()}@test.example`, name: "U", passwordHash: "x", emailWeeklySummary: true },
    });
    const res = await post(unsubscribeToken(user.id, "connection-problems"), "List-Unsubscribe=One-Click");
    expect(res.status).toBe(204);
    expect(
      await testDb().user.findUniqueOrThrow({
        where: { id: user.id },
        select: { emailConnectionProblems: true, emailWeeklySummary: true },
      }),
    ).toEqual({
      emailConnectionProblems: false,
      emailWeeklySummary: true,
    });
  });

  it("the page's button lands on the confirmation; a forged link changes nothing", async () => {
    const user = await testDb().user.create({
      data: { email: `u-${uniqueSuffix()}@test.example`, name: "U", passwordHash: "x", emailWeeklySummary: true },
    });
    const token = unsubscribeToken(user.id, "weekly-summary");
    const page = await post(token, "");
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe(`/unsubscribe/${encodeURIComponent(token)}?done=1`);
    const other = await testDb().user.create({
      data: { email: `o-${uniqueSuffix()}@test.example`, name: "O", passwordHash: "x" },
    });
    const forged = `${other.id}:connection-problems.${token.split(".").pop()}`;
    expect((await post(forged, "List-Unsubscribe=One-Click")).status).toBe(404);
    expect((await testDb().user.findUniqueOrThrow({ where: { id: other.id } })).emailConnectionProblems).toBe(true);
  });
});
