/** Only ever a path of this app: "/projects?x=1" yes; "//evil.com", "https://x", "/\\x" no. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/") {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//")) return fallback;
  if (to.includes("\\") || /[\u0000-\u001f]/.test(to)) return fallback;
  try {
    const url = new URL(to, "http://triad.invalid");
    if (url.origin !== "http://triad.invalid" || url.pathname.startsWith("//")) return fallback;
    return url.pathname + url.search + url.hash;
  } catch {
    return fallback;
  }
}
