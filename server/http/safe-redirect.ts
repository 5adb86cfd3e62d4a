// Where a sign-in may send the browser next. A callback is resolved the way a browser
// resolves it against this site (backslashes, tabs and newlines, dot segments included) and
// kept only when it stays on the site; then only its path, query and fragment are used.

const SITE = "https://bankline.invalid";

export function sameSitePath(callback: string | null | undefined, fallback = "/"): string {
  if (!callback || !callback.startsWith("/")) return fallback;
  let url: URL;
  try {
    url = new URL(callback, SITE);
  } catch {
    return fallback;
  }
  if (url.origin !== SITE) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // "/.//evil.example" resolves to the path "//evil.example", which a browser reads as another host.
  return path.startsWith("//") || path.startsWith("/\\") ? fallback : path;
}
