/** How debt numbers and dates read on screen. Pure and locale-fixed, so server and browser agree. */

const decimal = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 1 });

/** Person-days: "12.5 d". */
export function formatDays(value: number): string {
  return `${decimal.format(value)} d`;
}

/** Interest rate: "1.5 d/month". */
export function formatRate(value: number): string {
  return `${decimal.format(value)} d/month`;
}

/** An instant as "2025-06-01 14:05 UTC". */
export function formatInstant(at: number): string {
  return `${new Date(at).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** An instant's UTC date, "2025-06-01". */
export function formatDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}
