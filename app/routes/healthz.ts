/**
 * Liveness with a real database read: 200 {"status":"ok"}, or 503 when SQLite cannot answer.
 * With scheduled backups configured (TRIAD_BACKUP_DIR, docs/operations.md, "Backups and
 * restore") the answer adds `lastBackupAgeSeconds`: seconds since the newest verified backup, or
 * null when none has been taken yet. It is information for monitoring, never a reason for 503.
 */
import { lastBackupAgeSeconds, readBackupSettings } from "~/jobs/backups.server";
import { checkDatabaseAnswers } from "~/models/health.server";

function backupAge(): { lastBackupAgeSeconds?: number | null } {
  try {
    const settings = readBackupSettings();
    return settings.state === "on" ? { lastBackupAgeSeconds: lastBackupAgeSeconds(Date.now(), settings) } : {};
  } catch {
    return { lastBackupAgeSeconds: null };
  }
}

export async function loader() {
  try {
    checkDatabaseAnswers();
    return Response.json({ status: "ok", ...backupAge() }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return Response.json(
      { status: "unavailable", error: "The database cannot be read." },
      { status: 503, headers: { "Cache-Control": "no-store" } },
    );
  }
}
