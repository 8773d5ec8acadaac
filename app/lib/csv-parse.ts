/**
 * Reading CSV as spreadsheets write it (the writing side is csv.server.ts): RFC 4180 quoting
 * (a quoted cell holds separators, line breaks and doubled quotes), CRLF, LF or CR line ends,
 * a leading UTF-8 byte-order mark, and the separator of the first record: a comma, a
 * semicolon (Excel in locales with a decimal comma) or a tab (cells copied from a spreadsheet
 * and pasted). Lenient where spreadsheets are: a quote inside an unquoted cell is kept as it
 * is, and text after a closing quote is kept too. Blank lines (or lines of separators only)
 * are skipped.
 *
 * Cells are returned as text, never interpreted: `=SUM(A1)` is the eleven characters it is.
 * Pure and bounded: at most `maxRows` records after the header and `maxColumns` cells a
 * record, else a refusal in words; it never throws on any input.
 */

export type CsvSeparator = "," | ";" | "\t";

export type CsvRecord = {
  /** The line of the text this record starts on (1 = the first line), to name it in messages. */
  line: number;
  cells: string[];
};

export type CsvTable = {
  ok: true;
  separator: CsvSeparator;
  /** The first record: the column names. */
  header: string[];
  /** The records after the header, blank lines left out. */
  rows: CsvRecord[];
};

export type CsvProblem = {
  ok: false;
  reason: "empty" | "unclosed_quote" | "too_many_rows" | "too_many_columns";
  message: string;
};

export type CsvLimits = { maxRows: number; maxColumns: number };

const BOM = "\uFEFF";

/** The separator of the first record: the most frequent of comma, semicolon and tab outside quotes. */
export function detectSeparator(text: string): CsvSeparator {
  const counts: Record<CsvSeparator, number> = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === "\n" || c === "\r")) break;
    else if (!quoted && (c === "," || c === ";" || c === "\t")) counts[c]++;
  }
  if (counts["\t"] > counts[","] && counts["\t"] > counts[";"]) return "\t";
  return counts[";"] > counts[","] ? ";" : ",";
}

/** A line of nothing, or of separators only (spreadsheets write those after the last row). */
const isBlank = (cells: string[]) => cells.every((cell) => cell.trim() === "");

const plural = (n: number, one: string, many: string) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

/**
 * The table of a CSV text, or what is wrong with it. `separator` overrides the detection.
 */
export function parseCsv(
  input: string,
  limits: CsvLimits,
  separator: CsvSeparator = detectSeparator(input.startsWith(BOM) ? input.slice(1) : input),
): CsvTable | CsvProblem {
  const text = input.startsWith(BOM) ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = "";
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const n = text.length;

  /** Ends the record; the problem when a limit is passed (the caller stops). */
  const endRecord = (): CsvProblem | null => {
    cells.push(cell);
    cell = "";
    if (!isBlank(cells)) {
      if (cells.length > limits.maxColumns) {
        return {
          ok: false,
          reason: "too_many_columns",
          message: `Line ${recordLine} has ${plural(cells.length, "column", "columns")}; a file may have at most ${limits.maxColumns}.`,
        };
      }
      // The header plus maxRows records; one more means the file is too long.
      if (records.length > limits.maxRows) {
        return {
          ok: false,
          reason: "too_many_rows",
          message: `The file has more than ${plural(limits.maxRows, "row", "rows")} after its header. Split it into smaller files and import each.`,
        };
      }
      records.push({ line: recordLine, cells });
    }
    cells = [];
    return null;
  };

  while (i < n) {
    const c = text[i];
    if (c === '"' && cell === "") {
      // A quoted cell: up to the quote that is not doubled.
      const start = line;
      i++;
      let closed = false;
      while (i < n) {
        const q = text[i];
        if (q === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          closed = true;
          i++;
          break;
        }
        if (q === "\r" || q === "\n") {
          // A line break inside the cell is kept as "\n", whatever the file used.
          i += q === "\r" && text[i + 1] === "\n" ? 2 : 1;
          line++;
          cell += "\n";
          continue;
        }
        cell += q;
        i++;
      }
      if (!closed) {
        return {
          ok: false,
          reason: "unclosed_quote",
          message: `The quoted cell that starts on line ${start} is never closed: a double quote (") is missing.`,
        };
      }
      continue;
    }
    if (c === separator) {
      cells.push(cell);
      cell = "";
      if (cells.length > limits.maxColumns) {
        return {
          ok: false,
          reason: "too_many_columns",
          message: `Line ${recordLine} has more than ${plural(limits.maxColumns, "column", "columns")}; a file may have at most ${limits.maxColumns}.`,
        };
      }
      i++;
      continue;
    }
    if (c === "\r" || c === "\n") {
      i += c === "\r" && text[i + 1] === "\n" ? 2 : 1;
      const problem = endRecord();
      if (problem) return problem;
      line++;
      recordLine = line;
      continue;
    }
    cell += c;
    i++;
  }
  if (cell !== "" || cells.length > 0) {
    const problem = endRecord();
    if (problem) return problem;
  }
  if (records.length === 0) {
    return { ok: false, reason: "empty", message: "The file is empty: it needs a header line and at least one row." };
  }
  const [header, ...rows] = records;
  return { ok: true, separator, header: header.cells.map((h) => h.trim()), rows };
}

/**
 * A cell a spreadsheet would read as a formula once its escape is gone: csv.server.ts writes
 * such a cell with a leading apostrophe (`'=SUM(A1)`), and Excel shows and exports it without.
 * Dropping that one apostrophe makes an exported register import as it was; the cell stays
 * text either way.
 */
export function unescapeFormulaCell(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}
