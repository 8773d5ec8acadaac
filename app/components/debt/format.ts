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

// Instants and their dates: app/components/ui/DateTime.tsx, in the viewer's zone.
