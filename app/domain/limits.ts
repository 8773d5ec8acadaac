/** Limits the browser needs too (kept apart from zod so the client bundle stays small). */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

/** The highest page number any list takes (/projects, /debt, API cursors): 100,000 debt items one a page. */
export const MAX_PAGE = 100_000;
/** Rows on one page of any list; the API's `limit` is 1..MAX_PAGE_SIZE. */
export const MAX_PAGE_SIZE = 100;
/** The most rows a model returns for one page (internal callers and exports may ask for more than the API). */
export const MAX_MODEL_PAGE_SIZE = 1000;

/** A spreadsheet import (docs/domain.md, "Importing a spreadsheet register"): the file's bytes and its rows after the header. */
export const IMPORT_MAX_BYTES = 512 * 1024;
export const IMPORT_MAX_ROWS = 2000;

/**
 * Why a page and page size cannot be asked of a model, or null: both whole numbers, the page
 * from 1, 1..MAX_MODEL_PAGE_SIZE rows, and an offset that stays an exact integer. Models check
 * it as a last line: the parsers before them (page params, API `limit`, cursors) refuse with 400.
 */
export function pagingError(page: number, pageSize: number): string | null {
  if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > MAX_MODEL_PAGE_SIZE) {
    return `Ask for 1 to ${MAX_MODEL_PAGE_SIZE} rows a page.`;
  }
  if (!Number.isSafeInteger(page) || page < 1 || !Number.isSafeInteger((page - 1) * pageSize)) {
    return "Ask for a page numbered 1 or more.";
  }
  return null;
}
