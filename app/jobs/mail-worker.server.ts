/**
 * The mail worker (docs/domain.md, "Notifications"): runs inside the server process on its own
 * unref'd timer, never in a request, so a slow or dead SMTP server never delays or fails what
 * a person does in Triad. Each tick sends a few due rows of mail_outbox through the SMTP server
 * of TRIAD_SMTP_URL (nodemailer), each with a text and an HTML part, `X-Triad-Delivery: <id>`
 * so receivers can drop repeats, `Auto-Submitted: auto-generated`, and for a mail about one
 * category the RFC 8058 one-click headers `List-Unsubscribe` + `List-Unsubscribe-Post`.
 *
 * Outcomes: accepted → sent. Any failure → retried after 1 min, 5 min, 30 min, 2 h and 12 h,
 * and failed after the 6th attempt. A 5xx answer is retried like the rest: the 5xx answers an
 * SMTP relay gives in practice ("relaying denied", "authentication required", a full quota)
 * are set-up problems an admin fixes, and six tries over a day cost nothing. Failed mail can be
 * sent again from /admin/mail ("Retry now"). Mail for a person deactivated since it was written
 * fails at once, unsent. last_error keeps a short class plus the server's code and first line,
 * scrubbed of the SMTP user name and password; nothing else of the URL is ever stored or logged.
 *
 * Without TRIAD_SMTP_URL the worker does not start: mail stays pending (shown on /admin/mail)
 * until an SMTP server is configured and Triad restarted.
 */
import nodemailer, { type Transporter } from "nodemailer";
import { db } from "../../db/client.server";
import { unsubscribeUrl } from "~/models/mail-content.server";
import { dueMail, recordMailAttempt } from "~/models/mail-outbox.server";

export const DEFAULT_MAIL_BACKOFF_MS = [60_000, 300_000, 1_800_000, 7_200_000, 43_200_000] as const;
export const DEFAULT_MAIL_MAX_ATTEMPTS = 6;
export const DEFAULT_MAIL_FROM = "Triad <triad@localhost>";
export const DEFAULT_MAIL_INTERVAL_SECONDS = 5;
/** Mails sent per pass: a review opened on a 30-person team goes out in two passes. */
export const DEFAULT_MAIL_BATCH = 20;

export const defaultMailBackoff = (attempt: number) =>
  DEFAULT_MAIL_BACKOFF_MS[Math.min(attempt, DEFAULT_MAIL_BACKOFF_MS.length) - 1];

// ---------- settings ----------

export type MailSettings =
  | { state: "off" }
  | { state: "invalid"; problem: string }
  | {
      state: "on";
      url: string;
      /** What may be shown: scheme, host and port, never the credentials. */
      server: string;
      from: string;
      intervalMs: number;
      /** Credentials as given, only to scrub them from recorded errors. */
      secrets: string[];
    };

/**
 * Reads TRIAD_SMTP_URL, TRIAD_MAIL_FROM and TRIAD_MAIL_INTERVAL. A problem message never
 * repeats the URL (it may hold a password).
 */
export function readMailSettings(env: Record<string, string | undefined> = process.env): MailSettings {
  const raw = env.TRIAD_SMTP_URL?.trim();
  if (!raw) return { state: "off" };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return {
      state: "invalid",
      problem: "TRIAD_SMTP_URL is not a URL: write it like smtp://user:password@mail.example.com:587.",
    };
  }
  if ((url.protocol !== "smtp:" && url.protocol !== "smtps:") || !url.hostname) {
    return {
      state: "invalid",
      problem:
        "TRIAD_SMTP_URL must start with smtp:// (STARTTLS when the server offers it) or smtps:// (TLS) and name a host.",
    };
  }
  const from = env.TRIAD_MAIL_FROM?.trim() || DEFAULT_MAIL_FROM;
  if (/[\u0000-\u001f\u007f]/.test(from) || from.length > 200) {
    return { state: "invalid", problem: "TRIAD_MAIL_FROM must be one line, like: Triad <triad@example.com>." };
  }
  const intervalText = env.TRIAD_MAIL_INTERVAL?.trim() || String(DEFAULT_MAIL_INTERVAL_SECONDS);
  const interval = /^\d{1,4}$/.test(intervalText) ? Number(intervalText) : 0;
  if (interval < 1 || interval > 3600) {
    return {
      state: "invalid",
      problem: "TRIAD_MAIL_INTERVAL is the seconds between sending rounds: a whole number from 1 to 3600.",
    };
  }
  const secure = url.protocol === "smtps:";
  const port = url.port || (secure ? "465" : "587");
  const secrets = [url.username, url.password].filter(Boolean).flatMap((s) => {
    let decoded = s;
    try {
      decoded = decodeURIComponent(s);
    } catch {
      // keep the raw form only
    }
    return [s, decoded];
  });
  return {
    state: "on",
    url: raw,
    server: `${url.protocol}//${url.hostname}:${port}`,
    from,
    intervalMs: interval * 1000,
    secrets: [...new Set(secrets)],
  };
}

/** A nodemailer transport for the configured server, with timeouts so no attempt hangs for long. */
export function createMailTransport(settings: Extract<MailSettings, { state: "on" }>): Transporter {
  return nodemailer.createTransport({
    url: settings.url,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  } as Parameters<typeof nodemailer.createTransport>[0]);
}

// ---------- one attempt ----------

const FAILURE_CLASS: Record<string, string> = {
  ECONNECTION: "connection failed",
  ESOCKET: "connection failed",
  EDNS: "connection failed",
  ETIMEDOUT: "timeout",
  EAUTH: "authentication failed",
  ENOAUTH: "authentication failed",
  ETLS: "TLS failed",
  EENVELOPE: "recipient refused",
  EMESSAGE: "message refused",
  EPROTOCOL: "protocol error",
};

/**
 * What last_error records of a failed attempt: a class, then the server's code and the first
 * line of its answer (or the socket error code), at most 300 characters, with the SMTP user
 * name and password replaced by "***".
 */
export function describeMailFailure(error: unknown, secrets: string[] = []): string {
  const e = (error ?? {}) as { code?: unknown; responseCode?: unknown; response?: unknown; message?: unknown };
  const code = typeof e.code === "string" ? e.code : "";
  const kind = FAILURE_CLASS[code] ?? "send failed";
  let detail = "";
  if (typeof e.responseCode === "number") {
    const response = typeof e.response === "string" ? e.response.split(/\r?\n/)[0].replace(/^\d{3}[ -]?/, "") : "";
    detail = `${e.responseCode} ${response}`.trim();
  } else if (typeof e.message === "string") {
    // The socket's own code ("ECONNREFUSED"), never the message around it.
    detail = e.message.match(/\b(E[A-Z]{3,}[A-Z0-9_]*)\b/)?.[1] ?? "";
  }
  return scrubSecrets(detail ? `${kind}: ${detail}` : kind, secrets)
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .slice(0, 300);
}

/** `text` with every secret (longest first) replaced by "***". */
export function scrubSecrets(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets.filter(Boolean).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join("***");
  }
  return out;
}

export type SendDueMailOptions = {
  /** The SMTP transport (tests pass one to a local receiver). */
  transport: Transporter;
  from?: string;
  /** The clock: a fixed instant or a function. */
  now?: number | (() => number);
  /** Milliseconds to wait after the `attempt`-th failure (1-based). */
  backoff?: (attempt: number) => number;
  maxAttempts?: number;
  batchSize?: number;
  /** Scrubbed from recorded errors. */
  secrets?: string[];
  /**
   * True once the worker is stopping (server shutdown): the pass ends after the mail being
   * sent, recorded; the rest stay pending for the next start (docs/operations.md).
   */
  shouldStop?: () => boolean;
};

export type MailPassResult = { sent: number; retrying: number; failed: number };

/**
 * One pass: sends up to `batchSize` due mails, one after the other, and records each outcome.
 * Runs outside any transaction; a failing server costs time here, never in a request.
 */
export async function sendDueMail(options: SendDueMailOptions): Promise<MailPassResult> {
  const clock = options.now;
  const now = typeof clock === "function" ? clock : () => clock ?? Date.now();
  const backoff = options.backoff ?? defaultMailBackoff;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAIL_MAX_ATTEMPTS;
  const from = options.from ?? DEFAULT_MAIL_FROM;
  const result: MailPassResult = { sent: 0, retrying: 0, failed: 0 };
  for (const mail of dueMail(now(), options.batchSize ?? DEFAULT_MAIL_BATCH)) {
    if (options.shouldStop?.()) break;
    if (!mail.active) {
      recordMailAttempt({ id: mail.id, sent: false, error: "recipient deactivated", retryAt: null, now: now() });
      result.failed++;
      continue;
    }
    const headers: Record<string, string> = {
      "X-Triad-Delivery": String(mail.id),
      "Auto-Submitted": "auto-generated",
    };
    if (mail.category) {
      headers["List-Unsubscribe"] = `<${unsubscribeUrl(db, mail.userId, mail.category)}>`;
      headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
    }
    let error: string | null = null;
    try {
      await options.transport.sendMail({
        from,
        to: mail.toAddress,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers,
      });
    } catch (failure) {
      error = describeMailFailure(failure, options.secrets);
    }
    const attempts = mail.attempts + 1;
    const at = now();
    const giveUp = error !== null && attempts >= maxAttempts;
    recordMailAttempt({
      id: mail.id,
      sent: error === null,
      error,
      retryAt: error === null || giveUp ? null : at + backoff(attempts),
      now: at,
    });
    if (error === null) result.sent++;
    else if (giveUp) result.failed++;
    else result.retrying++;
  }
  return result;
}

// ---------- the timer ----------

export type MailWorker = {
  /** Where mail goes, for the start-up log: scheme, host and port only. */
  server: string;
  /** One tick by hand (tests). */
  runOnce: () => Promise<void>;
  /** Stops the timer, waits for the mail being sent (no further one starts) and closes the transport. */
  stop: () => Promise<void>;
};

export type MailWorkerOptions = Partial<Omit<SendDueMailOptions, "now">> & {
  now?: () => number;
  intervalMs?: number;
  env?: Record<string, string | undefined>;
  /** Where a failing tick is reported (never thrown into the timer). */
  onError?: (error: unknown) => void;
};

/**
 * Starts the worker when TRIAD_SMTP_URL is set; null when it is not. Throws (with a message
 * that never repeats the URL) when the mail settings are not understood, so the server refuses
 * to start rather than silently keep every mail.
 */
export function startMailWorker(options: MailWorkerOptions = {}): MailWorker | null {
  const settings = readMailSettings(options.env);
  if (settings.state === "invalid") throw new Error(settings.problem);
  if (settings.state === "off") return null;
  const ownTransport = !options.transport;
  const transport = options.transport ?? createMailTransport(settings);
  const onError =
    options.onError ??
    ((error: unknown) => {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.error("Mail worker:", scrubSecrets(text, settings.secrets));
    });
  let running: Promise<void> | null = null;
  let stopped = false;

  const runOnce = () => {
    // Never two ticks at once: a slow server delays the next batch, nothing else.
    running ??= sendDueMail({
      transport,
      from: options.from ?? settings.from,
      now: options.now,
      backoff: options.backoff,
      maxAttempts: options.maxAttempts,
      batchSize: options.batchSize,
      secrets: [...settings.secrets, ...(options.secrets ?? [])],
      shouldStop: () => stopped || (options.shouldStop?.() ?? false),
    })
      .then(() => undefined)
      .catch(onError)
      .finally(() => {
        running = null;
      });
    return running;
  };

  const timer = setInterval(() => {
    if (!stopped && !running) void runOnce();
  }, options.intervalMs ?? settings.intervalMs);
  timer.unref();

  return {
    server: settings.server,
    runOnce,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
      if (ownTransport) transport.close();
    },
  };
}
