import { describe, expect, it } from "vitest";
import { authOptions, SESSION_ABSOLUTE_MAX_SECONDS, SESSION_MAX_AGE_SECONDS } from "./options";

// The session token's life: renewed while the person is active, but never beyond a fixed
// time since the sign-in.

const jwt = authOptions.callbacks!.jwt! as (args: {
  token: Record<string, unknown>;
  user?: { id: string };
}) => Promise<Record<string, unknown>> | Record<string, unknown>;
const now = () => Math.floor(Date.now() / 1000);

describe("session lifetime", () => {
  it("stamps the sign-in time on a new session", async () => {
    const token = await jwt({ token: {}, user: { id: "user-1" } });
    expect(token.sub).toBe("user-1");
    expect(Math.abs((token.signedInAt as number) - now())).toBeLessThanOrEqual(2);
  });

  it("keeps a renewed session that is younger than the absolute limit", async () => {
    const token = await jwt({
      token: { sub: "user-1", signedInAt: now() - (SESSION_ABSOLUTE_MAX_SECONDS - 60), iat: now() },
    });
    expect(token.sub).toBe("user-1");
  });

  it("ends a session however recently renewed once the absolute limit since sign-in has passed", async () => {
    const token = await jwt({
      token: { sub: "user-1", email: "a@b.example", signedInAt: now() - SESSION_ABSOLUTE_MAX_SECONDS - 1, iat: now() },
    });
    expect(token.sub).toBeUndefined();
    expect(token.email).toBeUndefined();
  });

  it("expires unused sessions sooner than the absolute limit", () => {
    expect(authOptions.session?.maxAge).toBe(SESSION_MAX_AGE_SECONDS);
    expect(SESSION_MAX_AGE_SECONDS).toBeLessThan(SESSION_ABSOLUTE_MAX_SECONDS);
  });
});
