import { describe, expect, it } from "vitest";
import { clientAddress, trustProxyHops } from "@/server/client-address";
import { validateEnv } from "@/server/env.js";

// The address the audit log and the sign-in throttle record: a client must not be able to
// choose it by sending its own X-Forwarded-For.

const headers = (h: Record<string, string>) => new Headers(h);

describe("the client's address behind proxies", () => {
  it("takes the entry the nearest proxy appended, not what the client wrote before it", () => {
    // The client sent "X-Forwarded-For: 10.9.9.9"; the proxy appended the address it saw.
    expect(clientAddress(headers({ "x-forwarded-for": "10.9.9.9, 198.51.100.23" }), 1)).toBe("198.51.100.23");
    expect(clientAddress(headers({ "x-forwarded-for": "198.51.100.23" }), 1)).toBe("198.51.100.23");
  });

  it("with two trusted proxies, takes the entry the farther one appended", () => {
    expect(clientAddress(headers({ "x-forwarded-for": "10.9.9.9, 198.51.100.23, 10.0.0.5" }), 2)).toBe("198.51.100.23");
    // A chain shorter than configured still never reaches left of what a proxy wrote.
    expect(clientAddress(headers({ "x-forwarded-for": "198.51.100.23" }), 2)).toBe("198.51.100.23");
  });

  it("falls back to X-Real-IP, and trusts no forwarding header with 0 hops", () => {
    expect(clientAddress(headers({ "x-real-ip": "198.51.100.40" }), 1)).toBe("198.51.100.40");
    expect(clientAddress(headers({}), 1)).toBe("unknown");
    expect(clientAddress(headers({ "x-forwarded-for": "198.51.100.23", "x-real-ip": "198.51.100.40" }), 0)).toBe(
      "unknown",
    );
  });

  it("reads Node's header records the same way (sign-in)", () => {
    expect(clientAddress({ "x-forwarded-for": "10.9.9.9, 198.51.100.23" }, 1)).toBe("198.51.100.23");
    expect(clientAddress({ "x-forwarded-for": ["10.9.9.9", "198.51.100.23"] }, 1)).toBe("198.51.100.23");
    expect(clientAddress(undefined, 1)).toBe("unknown");
  });

  it("is configured by TRUST_PROXY_HOPS, one hop by default", () => {
    expect(trustProxyHops({})).toBe(1);
    expect(trustProxyHops({ TRUST_PROXY_HOPS: "2" })).toBe(2);
    expect(trustProxyHops({ TRUST_PROXY_HOPS: "0" })).toBe(0);
    expect(() => validateEnv({ TRUST_PROXY_HOPS: "-1" })).toThrow(/TRUST_PROXY_HOPS/);
    expect(validateEnv({ TRUST_PROXY_HOPS: "2" }).TRUST_PROXY_HOPS).toBe(2);
  });
});
