/**
 * Sudo mode: creating or revoking an API token and changing the password need the person's
 * current password, proved in this session within the last 10 minutes. Signing in proves it;
 * so does the "Confirm your password" form, and the current-password field of the password
 * change. The time is kept on the server-side session row (`sessions.reauthenticated_at`), so
 * a stolen session cookie alone cannot mint tokens or lock the owner out.
 *
 * Every password check here is rate limited per person with the sign-in limiter (its own key),
 * so a session cannot be used to guess the password either.
 */
import { data } from "@remix-run/node";
import type { FieldErrors } from "~/domain/errors";
import { getPasswordHash } from "~/models/users.server";
import { formValues } from "./forms";
import { verifyPassword } from "~/lib/password.server";
import { loginLimiter } from "./rate-limit.server";
import { markReauthenticated, type SessionUser } from "./session.server";

/** How long a proved password counts. */
export const SUDO_WINDOW_MS = 10 * 60 * 1000;

/** The form field that carries the password, on the confirm form and the password change. */
export const CURRENT_PASSWORD_FIELD = "currentPassword";

export const reauthRateKey = (userId: number) => `reauth:user:${userId}`;

export function hasRecentReauthentication(user: Pick<SessionUser, "reauthenticatedAt">, now = Date.now()): boolean {
  const at = user.reauthenticatedAt;
  return at != null && at <= now && now - at < SUDO_WINDOW_MS;
}

export type PasswordProof =
  { ok: true } | { ok: false; status: 400 | 429; message: string; retryAfterSeconds?: number };

export const WRONG_PASSWORD = "That is not your current password.";

/**
 * Checks the signed-in person's password (at most the sign-in limit a minute per person, then
 * 429). When it is right, the session counts as re-authenticated from now.
 */
export async function provePassword(user: SessionUser, password: string, now = Date.now()): Promise<PasswordProof> {
  const limit = loginLimiter.hit(reauthRateKey(user.id), now);
  if (limit.limited) {
    return {
      ok: false,
      status: 429,
      retryAfterSeconds: limit.retryAfterSeconds,
      message: `Too many password attempts. Wait ${limit.retryAfterSeconds} seconds and try again.`,
    };
  }
  const passwordHash = getPasswordHash(user.id);
  const valid = password !== "" && passwordHash ? await verifyPassword(passwordHash, password) : false;
  if (!valid) return { ok: false, status: 400, message: WRONG_PASSWORD };
  markReauthenticated(user.sessionId, now);
  return { ok: true };
}

/** What a page gets back when it must ask for the password before going on. */
export type SudoPrompt = {
  ok: false;
  /**
   * The refused action (its `intent`) and the fields to post again with the password (never
   * secrets), so the action goes on once the password is right.
   */
  sudo: { intent: string | null; pending: Array<{ name: string; value: string }>; error: string | null };
  formError?: string;
  fieldErrors: FieldErrors;
  values: Record<string, string>;
};

/** The answer of a refused password proof, for forms: the message, next to the password field. */
export function proofFailure(formData: FormData, proof: Extract<PasswordProof, { ok: false }>) {
  return {
    status: proof.status,
    headers: proof.retryAfterSeconds ? { "Retry-After": String(proof.retryAfterSeconds) } : undefined,
    fieldErrors: { [CURRENT_PASSWORD_FIELD]: proof.message } as FieldErrors,
    values: formValues(formData),
  };
}

/**
 * The gate in front of a sensitive form action. Returns null to go ahead: the session proved
 * the password in the last 10 minutes, or this submission carries `currentPassword` and it is
 * right. Otherwise returns the answer to send (nothing was done): 403 with the "Confirm your
 * password" prompt, 400 for a wrong password, 429 past the limit. The prompt re-posts the
 * `pending` fields, taken from this submission by name (list no secret there).
 */
export async function requireSudo(
  user: SessionUser,
  formData: FormData,
  pendingFields: readonly string[],
  now = Date.now(),
) {
  const pending: Array<{ name: string; value: string }> = [];
  for (const name of pendingFields) {
    const value = formData.get(name);
    if (typeof value === "string") pending.push({ name, value });
  }
  const intent = formData.get("intent");
  const refused = (error: string | null) => ({ intent: typeof intent === "string" ? intent : null, pending, error });
  const password = formData.get(CURRENT_PASSWORD_FIELD);
  if (typeof password === "string") {
    const proof = await provePassword(user, password, now);
    if (proof.ok) return null;
    const failure = proofFailure(formData, proof);
    const body: SudoPrompt = {
      ok: false,
      sudo: refused(proof.message),
      fieldErrors: failure.fieldErrors,
      values: failure.values,
    };
    return data(body, { status: failure.status, headers: failure.headers });
  }
  if (hasRecentReauthentication(user, now)) return null;
  const body: SudoPrompt = { ok: false, sudo: refused(null), fieldErrors: {}, values: formValues(formData) };
  return data(body, { status: 403, headers: { "Cache-Control": "no-store" } });
}
