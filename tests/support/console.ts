/** Shared state of the console.error guard (see setup-console.ts). */
export const consoleErrorState: { calls: unknown[][]; allowed: RegExp[] } = {
  calls: [],
  allowed: [],
};

/** Lets the current test log one kind of console.error it expects on purpose. */
export function allowConsoleError(pattern: RegExp): void {
  consoleErrorState.allowed.push(pattern);
}
