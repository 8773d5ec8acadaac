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
import type { Submission } from "@conform-to/react";
import { getPasswordHash } from "~/models/users.server";
import { confirmPasswordSchema } from "./admin-validation";
import { refusal, type FormResult } from "./forms";
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

/**
 * What a page gets back when it must ask for the password before going on: the refusal of the
 * submission (app/utils/forms.ts), its password message next to `currentPassword` like any
 * field error, and what the "Confirm your password" form needs to post the action again.
 */
export type SudoPrompt = FormResult & {
  /**
   * The refused action (its `intent`) and the fields to post again with the password (never
   * secrets), so the action goes on once the password is right.
   */
  sudo: { intent: string | null; pending: Array<{ name: string; value: string }> };
};

/**
 * The answer of a refused password proof: the message next to the password field (with status
 * 400, or 429 and Retry-After past the limit), and, when `formError` is set, above the form too.
 */
export function proofRefusal(
  submission: Submission<unknown>,
  proof: Extract<PasswordProof, { ok: false }>,
  { formError = false }: { formError?: boolean } = {},
) {
  const result = refusal(submission, {
    fieldErrors: { [CURRENT_PASSWORD_FIELD]: proof.message },
    formError: formError ? proof.message : undefined,
  });
  return { result, init: proofInit(proof) };
}

const proofInit = (proof: Extract<PasswordProof, { ok: false }>) => ({
  status: proof.status,
  headers: proof.retryAfterSeconds ? { "Retry-After": String(proof.retryAfterSeconds) } : undefined,
});

/**
 * The gate in front of a sensitive form action, called with the action's parsed submission.
 * Returns null to go ahead: the session proved the password in the last 10 minutes, or this
 * submission carries `currentPassword` and it is right. Otherwise returns the answer to send
 * (nothing was done): 403 with the "Confirm your password" prompt, 400 for a missing or wrong
 * password, 429 past the limit. The prompt re-posts the `pending` fields, taken from this
 * submission by name (list no secret there).
 */
export async function requireSudo(
  user: SessionUser,
  submission: Submission<unknown>,
  pendingFields: readonly string[],
  now = Date.now(),
) {
  const payload = (submission.payload ?? {}) as Record<string, unknown>;
  const pending: Array<{ name: string; value: string }> = [];
  for (const name of pendingFields) {
    const value = payload[name];
    if (typeof value === "string") pending.push({ name, value });
  }
  const intent = typeof payload.intent === "string" ? payload.intent : null;
  const prompt = (result: FormResult): SudoPrompt => ({ ...result, status: "error", sudo: { intent, pending } });
  if (CURRENT_PASSWORD_FIELD in payload) {
    // The prompt's own schema first, as the browser checks it: an empty password is asked again.
    const entered = confirmPasswordSchema.safeParse(payload);
    if (!entered.success) {
      const message = entered.error.issues[0]?.message ?? WRONG_PASSWORD;
      return data(prompt(refusal(submission, { fieldErrors: { [CURRENT_PASSWORD_FIELD]: message } })), {
        status: 400,
      });
    }
    const proof = await provePassword(user, entered.data.currentPassword, now);
    if (proof.ok) return null;
    const { result, init } = proofRefusal(submission, proof);
    return data(prompt(result), init);
  }
  if (hasRecentReauthentication(user, now)) return null;
  return data(prompt(refusal(submission)), { status: 403, headers: { "Cache-Control": "no-store" } });
}
