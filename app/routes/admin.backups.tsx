/**
 * Backups (admins): whether scheduled backups are on (TRIAD_BACKUP_DIR, TRIAD_BACKUP_EVERY,
 * TRIAD_BACKUP_KEEP), the next run, the last error, and the verified backups in the directory
 * with their age and size. Read-only: restoring is an operator command with the server stopped
 * (`npm run triad -- restore <backup>`). See docs/operations.md, "Backups and restore", and
 * app/jobs/backups.server.ts.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge } from "~/components/ui/Badge";
import { EmptyState } from "~/components/ui/EmptyState";
import { PageHeader } from "~/components/ui/PageHeader";
import { backupStatus, listBackups } from "~/jobs/backups.server";
import { requireAdmin } from "~/utils/auth.server";
import { DateTime } from "~/components/ui/DateTime";

export const meta: MetaFunction = () => [{ title: "Backups · Triad" }];

const SHOWN = 50;

export async function loader({ request }: LoaderFunctionArgs) {
  requireAdmin(request);
  const status = backupStatus();
  const { settings } = status;
  const files = settings.state === "on" ? listBackups(settings.dir) : [];
  return {
    now: Date.now(),
    settings:
      settings.state === "on"
        ? { state: "on" as const, dir: settings.dir, every: settings.every, keep: settings.keep }
        : settings.state === "invalid"
          ? { state: "invalid" as const, problem: settings.problem }
          : { state: "off" as const },
    nextRunAt: status.nextRunAt,
    lastError: status.lastError,
    total: files.length,
    files: files.slice(0, SHOWN).map(({ name, takenAt, bytes }) => ({ name, takenAt, bytes })),
  };
}

function age(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86_400)} d`;
}

function size(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export default function AdminBackups() {
  const { now, settings, nextRunAt, lastError, total, files } = useLoaderData<typeof loader>();
  const newest = files[0];
  return (
    <>
      <PageHeader
        title="Backups"
        description="Verified copies of the database, taken while Triad runs. Restore one with the server stopped: npm run triad -- restore <backup>."
      />
      <section className="card" aria-labelledby="backup-schedule-title">
        <h2 id="backup-schedule-title">Schedule</h2>
        {settings.state === "on" ? (
          <dl className="dl">
            <dt>Directory</dt>
            <dd>
              <code>{settings.dir}</code>
            </dd>
            <dt>Every</dt>
            <dd>{settings.every}</dd>
            <dt>Kept</dt>
            <dd>the newest {settings.keep}</dd>
            <dt>Next backup</dt>
            <dd>{nextRunAt ? <DateTime at={nextRunAt} withZone /> : "—"}</dd>
            <dt>Last good backup</dt>
            <dd>
              {newest ? (
                <>
                  {age(Math.max(0, Math.floor((now - newest.takenAt) / 1000)))} ago (<DateTime at={newest.takenAt} />)
                </>
              ) : (
                "none yet"
              )}
            </dd>
          </dl>
        ) : settings.state === "invalid" ? (
          <p role="alert">
            <Badge tone="danger">Not understood</Badge> {settings.problem}
          </p>
        ) : (
          <p>
            <Badge tone="warn">Not configured</Badge> Triad takes no scheduled backups. Set{" "}
            <code>TRIAD_BACKUP_DIR</code> (and <code>TRIAD_BACKUP_EVERY</code>, for example <code>24h</code>, and{" "}
            <code>TRIAD_BACKUP_KEEP</code>, for example <code>14</code>), then restart Triad.{" "}
            <code>npm run triad -- backup &lt;file&gt;</code> takes one by hand.
          </p>
        )}
        {lastError ? (
          <p role="alert">
            <Badge tone="danger">Last backup failed</Badge> <DateTime at={lastError.at} />: {lastError.message}
          </p>
        ) : null}
      </section>
      {settings.state === "on" ? (
        <section aria-labelledby="backup-files-title">
          <h2 id="backup-files-title" className="section-title">
            Backups {total > files.length ? `(newest ${files.length} of ${total})` : ""}
          </h2>
          {files.length === 0 ? (
            <EmptyState title="No backups yet.">
              <p>The first one is taken {nextRunAt ? <DateTime at={nextRunAt} withZone /> : "at the next run"}.</p>
            </EmptyState>
          ) : (
            <div className="table-wrap">
              <table>
                <caption className="sr-only">Backups, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">File</th>
                    <th scope="col">Taken</th>
                    <th scope="col" className="num">
                      Age
                    </th>
                    <th scope="col" className="num">
                      Size
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {files.map((f) => (
                    <tr key={f.name}>
                      <td>
                        <code>{f.name}</code>
                      </td>
                      <td>
                        <DateTime at={f.takenAt} />
                      </td>
                      <td className="num">{age(Math.max(0, Math.floor((now - f.takenAt) / 1000)))}</td>
                      <td className="num">{size(f.bytes)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ) : null}
    </>
  );
}
