import { describe, expect, it } from "vitest";
import { sameSitePath } from "./safe-redirect";

describe("the callback after sign-in", () => {
  it.each([
    "//evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/.//evil.example",
    "/%2e//evil.example",
    "https://evil.example/riverside",
    "http:evil.example",
    "javascript:alert(1)",
    " /riverside",
    "riverside",
    "",
  ])("leaves the site for no one: %j goes home", (callback) => {
    expect(sameSitePath(callback)).toBe("/");
  });

  it.each([
    ["/riverside/institutions", "/riverside/institutions"],
    ["/account?tab=sessions#two-factor", "/account?tab=sessions#two-factor"],
    ["/admin/../riverside/feed", "/riverside/feed"],
    ["/%09/evil.example", "/%09/evil.example"],
  ])("keeps a path of this site: %j", (callback, path) => {
    expect(sameSitePath(callback)).toBe(path);
  });
});
