/** Formatting for display only: instants are stored as UTC milliseconds and formatted here, in components (docs/architecture.md). */
const dateTime = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});
const dateOnly = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });

export const formatDateTime = (ms: number) => `${dateTime.format(ms)} UTC`;
export const formatDate = (ms: number) => dateOnly.format(ms);
export const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function daysSince(ms: number, now = Date.now()): number {
  return Math.max(0, Math.floor((now - ms) / 86_400_000));
}

export function formatDays(days: number): string {
  const rounded = Math.round(days * 10) / 10;
  return `${rounded.toLocaleString("en-GB")} d`;
}
