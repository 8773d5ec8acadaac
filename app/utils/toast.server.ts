/**
 * Flash messages ("Requirement saved.") carried across a redirect in a short-lived, signed
 * cookie, shown once by the layout.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { redirect } from "@remix-run/node";
import { isSecureRequest, readCookie, serializeCookie } from "./session.server";

export type Toast = { kind: "success" | "error" | "info"; message: string };

const COOKIE = "triad_toast";
const secret = process.env.SESSION_SECRET || randomBytes(32).toString("hex");

const sign = (value: string) => createHmac("sha256", secret).update(value).digest("base64url");

export function toastCookie(request: Request, toast: Toast): string {
  const value = Buffer.from(JSON.stringify(toast)).toString("base64url");
  return serializeCookie(COOKIE, `${value}.${sign(value)}`, {
    secure: isSecureRequest(request),
    maxAgeSeconds: 60,
  });
}

/** The pending toast, if any, and the header that clears it. */
export function readToast(request: Request): { toast: Toast | null; clear: string | null } {
  const raw = readCookie(request, COOKIE);
  if (!raw) return { toast: null, clear: null };
  const clear = serializeCookie(COOKIE, "", { secure: isSecureRequest(request), maxAgeSeconds: 0 });
  const [value, signature] = raw.split(".");
  if (!value || !signature) return { toast: null, clear };
  const expected = Buffer.from(sign(value));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { toast: null, clear };
  }
  try {
    return { toast: JSON.parse(Buffer.from(value, "base64url").toString()) as Toast, clear };
  } catch {
    return { toast: null, clear };
  }
}

export function redirectWithToast(request: Request, to: string, toast: Toast, init: { headers?: HeadersInit } = {}) {
  const headers = new Headers(init.headers);
  headers.append("Set-Cookie", toastCookie(request, toast));
  return redirect(to, { headers });
}
