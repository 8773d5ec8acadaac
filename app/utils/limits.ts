/** Limits the browser needs too (kept apart from zod so the client bundle stays small). */
export const PASSWORD_MIN = 12;
