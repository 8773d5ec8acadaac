/**
 * The server's background jobs, run by exactly one process: the server itself with
 * TRIAD_WORKERS=1, the primary process (which serves no HTTP) under TRIAD_WORKERS > 1
 * (docs/operations.md, "Workers"). Each runs on its own unref'd timer, never in a request.
 */
import { checkpointAndCloseDb, getDb } from "../db/client.server";
import { type BackupSettings, startBackupScheduler } from "../app/jobs/backups.server";
import { type MailSettings, startMailWorker } from "../app/jobs/mail-worker.server";
import { startNotificationPass } from "../app/jobs/notify-pass.server";
import { startWebhookWorker } from "../app/jobs/webhook-worker.server";
import { purgeExpiredSessions } from "../app/utils/session.server";

export type Jobs = {
  /** Stops every timer and waits for the deliveries, pass and backup in flight. */
  stop: () => Promise<void>;
};

/**
 * Says what runs (the mail and backup lines) at once, and starts the jobs at once or, given
 * `when`, once it resolves: the primary starts them when the first worker answers, as a single
 * process does just before it listens, so nothing is sent long before the server is up.
 */
export function startJobs({
  notifyEvery,
  backupSettings,
  mailSettings,
  when,
}: {
  /** TRIAD_NOTIFY_INTERVAL in milliseconds; 0 turns the notification pass off. */
  notifyEvery: number;
  backupSettings: BackupSettings;
  mailSettings: MailSettings;
  when?: Promise<void>;
}): Jobs {
  console.log(
    mailSettings.state === "on"
      ? `Mail: sending through ${mailSettings.server}`
      : "Mail: TRIAD_SMTP_URL is not set, so e-mail waits in the outbox (see /admin/mail)",
  );
  if (backupSettings.state === "on")
    console.log(
      `Backups: every ${backupSettings.every} into ${backupSettings.dir}, keeping ${backupSettings.keep} (see /admin/backups)`,
    );
  let stopped = false;
  const running: Array<{ stop: () => Promise<void> } | null> = [];
  let housekeeping: NodeJS.Timeout | undefined;
  const start = () => {
    if (stopped) return;
    // Sends webhook deliveries from the outbox on its own timer (unref'd), never in a request.
    running.push(startWebhookWorker());
    // Reminders, escalations, debt notices and digests, every few minutes (docs/domain.md,
    // "Notifications"); TRIAD_NOTIFY_INTERVAL=0 turns it off.
    running.push(notifyEvery > 0 ? startNotificationPass({ intervalMs: notifyEvery }) : null);
    // Sends mail from mail_outbox the same way, when TRIAD_SMTP_URL is set.
    running.push(startMailWorker());
    // Verified online backups into TRIAD_BACKUP_DIR on an unref'd timer (docs/operations.md,
    // "Backups and restore"); off without the directory.
    running.push(startBackupScheduler(() => getDb().$client, backupSettings));
    // Expired sessions, once an hour.
    housekeeping = setInterval(() => purgeExpiredSessions(), 60 * 60 * 1000);
    housekeeping.unref();
  };
  if (when) void when.then(start);
  else start();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(housekeeping);
      await Promise.allSettled(running.map((job) => job?.stop()));
    },
  };
}

/**
 * The last step of a shutdown, in the single process and in the primary alike
 * (docs/operations.md, "Shutdown and readiness"): checkpoint the write-ahead log into the
 * database file and close it, saying which happened. False when the checkpoint failed: the
 * caller exits 1, and nothing committed is lost (SQLite replays the log at the next open).
 */
export function checkpointAtShutdown(log: (line: string) => void): boolean {
  try {
    const checkpoint = checkpointAndCloseDb();
    log(
      checkpoint.busy
        ? "database closed; another process held the write-ahead log, so it is replayed at the next open"
        : "write-ahead log checkpointed into the database file, database closed",
    );
    return true;
  } catch (error) {
    log(`the checkpoint failed (${error instanceof Error ? error.message : String(error)}); exiting 1`);
    return false;
  }
}
