/**
 * Importing a spreadsheet register (docs/domain.md, "Importing a spreadsheet register"): the
 * limits, the fields a column can fill, the guess of which column is which, the schemas of the
 * import page's forms (browser and action alike), and the check of every row with the same
 * schema and messages as "Log debt item" (newDebtItemSchema) plus the rules the model applies
 * (stage incurred, the repayment plan, an owner who is a member). The model
 * (app/models/debt/import.server.ts) logs the valid rows in one transaction.
 */
import { z } from "zod";
import { categoriesFor, isValidCategory, validatePlan, type Register } from "~/domain/debt";
import type { FieldErrors } from "~/domain/errors";
import { severityLabel, stageLabel, stageShortLabel } from "~/domain/labels";
import { stageIndex } from "~/domain/stages";
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS } from "~/domain/limits";
import { SEVERITIES, STAGES, type Stage } from "~/domain/vocabulary";
import { parseCsv, unescapeFormulaCell, type CsvTable } from "~/lib/csv-parse";
import { debtPlanSchema, newDebtItemSchema, registerField, severityField, stageField } from "./debt-validation";
import { optionalText } from "./validation";

// ---------- limits ----------

/**
 * The largest file (or pasted text) taken, IMPORT_MAX_BYTES, stays well inside the server's
 * body limit (TRIAD_BODY_LIMIT, 1 MiB by default), which the text is posted back under at each step.
 */
export { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS };
export const IMPORT_MAX_COLUMNS = 50;
export const IMPORT_LIMITS_TEXT = "512 KB and 2,000 rows";

export const FILE_TOO_LARGE_MESSAGE = `The file is larger than 512 KB. Import at most ${IMPORT_LIMITS_TEXT} at a time: split the file and import each part.`;
export const PASTE_TOO_LARGE_MESSAGE = `The pasted text is larger than 512 KB. Import at most ${IMPORT_LIMITS_TEXT} at a time: paste a part, import it, then the next.`;

// ---------- the fields a column can fill ----------

export const IMPORT_FIELDS = [
  { key: "title", label: "Title", aliases: ["title", "name", "item", "debt", "debt item", "summary"] },
  { key: "description", label: "Description", aliases: ["description", "details", "detail", "notes"] },
  { key: "category", label: "Category", aliases: ["category", "type", "kind"] },
  { key: "severity", label: "Severity", aliases: ["severity", "impact"] },
  { key: "owner", label: "Owner", aliases: ["owner", "owner e mail", "owner email", "responsible", "assignee"] },
  {
    key: "principalDays",
    label: "Principal (person-days)",
    aliases: ["principal", "effort", "estimate", "effort estimate", "cost to repay", "person days"],
  },
  {
    key: "interestDays",
    label: "Interest (person-days per month)",
    aliases: ["interest", "monthly interest", "interest per month"],
  },
  { key: "benefit", label: "Why it was taken on", aliases: ["why it was taken on", "benefit", "reason", "why"] },
  { key: "stageIncurred", label: "Stage incurred", aliases: ["stage incurred", "stage", "incurred in"] },
  { key: "strategy", label: "Strategy", aliases: ["strategy", "repayment strategy", "plan"] },
  { key: "targetDate", label: "Target date", aliases: ["target date", "target", "due date", "due", "deadline"] },
  { key: "repayBeforeStage", label: "Repay before stage", aliases: ["repay before stage", "repay before"] },
] as const;

export type ImportField = (typeof IMPORT_FIELDS)[number]["key"];
export const IMPORT_FIELD_KEYS = IMPORT_FIELDS.map((f) => f.key) as ImportField[];
const LABEL = Object.fromEntries(IMPORT_FIELDS.map((f) => [f.key, f.label])) as Record<ImportField, string>;
/** The template's header and the guess's first choice: the labels above. */
export const TEMPLATE_HEADER = IMPORT_FIELDS.map((f) => f.label);

/** "Principal (person-days)" -> "principal": lower case, no parentheses, words only. */
const normalise = (text: string) =>
  text
    .toLowerCase()
    .replace(/\([^)]*\)/g, " ")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

/** Column number (as the form sends it, "0", "1"...) or "" for "not in the file". */
export type Mapping = Record<ImportField, string>;

/** Which column holds which field, guessed from the header (our template and /debt.csv are recognised). */
export function guessMapping(header: readonly string[]): Mapping {
  const names = header.map(normalise);
  const taken = new Set<number>();
  const mapping = {} as Mapping;
  for (const field of IMPORT_FIELDS) {
    const wanted = [normalise(field.label), ...field.aliases.map(normalise)];
    const index = wanted.map((w) => names.findIndex((n, i) => n === w && !taken.has(i))).find((i) => i >= 0);
    mapping[field.key] = index == null ? "" : String(index);
    if (index != null) taken.add(index);
  }
  return mapping;
}

// ---------- the forms of the import page ----------

const TEXT_ONLY = "Paste the rows as text.";

/** Step 1: the register, and a file or pasted text (the file is read by app/utils/upload.server.ts). */
export const uploadSchema = z
  .object({
    register: registerField,
    pasted: z
      .string({ error: TEXT_ONLY })
      .max(IMPORT_MAX_BYTES, PASTE_TOO_LARGE_MESSAGE)
      .optional()
      .transform((v) => v ?? ""),
    /** A File in the browser; the server reads it apart and sends its text here (or nothing). */
    file: z.unknown().optional(),
  })
  .superRefine((value, ctx) => {
    const hasFile =
      (typeof value.file === "string" && value.file !== "") ||
      (typeof File !== "undefined" && value.file instanceof File && value.file.size > 0);
    const hasText = value.pasted.trim() !== "";
    if (!hasFile && !hasText) {
      ctx.addIssue({ code: "custom", path: ["pasted"], message: "Choose a CSV file, or paste the rows here." });
    } else if (hasFile && hasText) {
      ctx.addIssue({
        code: "custom",
        path: ["pasted"],
        message: "Choose a file or paste the rows, not both: empty this box to import the file.",
      });
    }
  });

/** A column number the form sends: "" (not in the file) or 0..IMPORT_MAX_COLUMNS-1. */
const column = z
  .string({ error: "Choose a column of the file." })
  .regex(/^\d{0,2}$/, "Choose a column of the file.")
  .refine((v) => v === "" || Number(v) < IMPORT_MAX_COLUMNS, "Choose a column of the file.")
  .optional()
  .transform((v) => v ?? "");

const mapShape = Object.fromEntries(IMPORT_FIELD_KEYS.map((key) => [key, column])) as Record<
  ImportField,
  typeof column
>;

/** The CSV text carried between the steps in a hidden field (line ends may come back as CRLF). */
const csvText = z
  .string({ error: "Upload the file again." })
  .min(1, "Upload the file again.")
  .max(2 * IMPORT_MAX_BYTES, FILE_TOO_LARGE_MESSAGE);

/** A category for empty cells must be one of the register's. */
function defaultCategoryFits(value: { register: string; defaults: { category: string } }, ctx: z.RefinementCtx) {
  const category = value.defaults.category;
  if (category && !isValidCategory(value.register, category)) {
    ctx.addIssue({
      code: "custom",
      path: ["defaults", "category"],
      message: `Choose one of the ${value.register} register's categories.`,
    });
  }
}

const CHOOSE_COLUMNS = "Choose which column holds which field.";

/** Steps 2 and 3: the text, the register, which column is which, and the values for empty cells. */
const mappingShape = {
  register: registerField,
  csv: csvText,
  fileName: optionalText(200, "file name"),
  map: z.object(
    { ...mapShape, title: mapShape.title.refine((v) => v !== "", "Choose the column that holds the titles.") },
    { error: CHOOSE_COLUMNS },
  ),
  defaults: z.object(
    {
      category: z
        .string({ error: "Choose a category." })
        .max(60, "Choose a category.")
        .optional()
        .transform((v) => v ?? ""),
      severity: severityField,
      stageIncurred: stageField,
    },
    { error: CHOOSE_COLUMNS },
  ),
};

export const mappingSchema = z.object(mappingShape).superRefine(defaultCategoryFits);

/** Step 3's "Import": the same, and the key that keeps one preview from being imported twice. */
export const importSchema = z
  .object({
    ...mappingShape,
    importKey: z
      .string({ error: "Preview the rows again, then import them." })
      .regex(/^[A-Za-z0-9-]{16,64}$/, "Preview the rows again, then import them."),
  })
  .superRefine(defaultCategoryFits);

export type MappingInput = z.output<typeof mappingSchema>;

// ---------- reading the text and checking each row ----------

/** The table of the text, or the message that says what is wrong with the file. */
export function readTable(text: string): CsvTable | { ok: false; message: string } {
  return parseCsv(text, { maxRows: IMPORT_MAX_ROWS, maxColumns: IMPORT_MAX_COLUMNS });
}

/** A member of the project an owner cell can name. */
export type ImportMember = { id: number; name: string; email: string };

/** What a valid row logs: the model's input. */
export type ImportedRowInput = {
  line: number;
  details: {
    title: string;
    description: string;
    category: string;
    benefit: string;
    stageIncurred: Stage;
    severity: (typeof SEVERITIES)[number];
    principalDays: number;
    interestDays: number;
    ownerId: number | null;
  };
  plan: { strategy: string; targetDate: string | null; repayBeforeStage: Stage | null } | null;
};

export type RowProblem = { field: string; message: string };

export type CheckedRow = {
  line: number;
  /** The title cell as written (for the preview), even when it is refused. */
  title: string;
  ownerName: string | null;
  problems: RowProblem[];
  input: ImportedRowInput | null;
};

const lower = (text: string) => text.trim().replace(/\s+/g, " ").toLowerCase();

/** The value whose value or label the cell names (any case), else the cell itself (for the schema to refuse). */
function pick(cell: string, choices: ReadonlyArray<{ value: string; labels: readonly string[] }>): string {
  const wanted = lower(cell);
  if (!wanted) return "";
  const found = choices.find((c) => lower(c.value) === wanted || c.labels.some((l) => lower(l) === wanted));
  return found ? found.value : cell.trim();
}

const STAGE_CHOICES = STAGES.map((s) => ({ value: s, labels: [stageLabel[s], stageShortLabel[s]] }));
const SEVERITY_CHOICES = SEVERITIES.map((s) => ({ value: s, labels: [severityLabel[s]] }));
const categoryChoices = (register: Register) =>
  categoriesFor(register).map((c) => ({ value: c.value, labels: [c.label, c.value.replace(/_/g, " ")] }));

/** The owner a cell names by e-mail or name, among the project's active members. */
function findOwner(cell: string, members: readonly ImportMember[]): { member: ImportMember | null; problem?: string } {
  const wanted = lower(cell);
  if (!wanted) return { member: null };
  if (wanted.includes("@")) {
    const member = members.find((m) => m.email.toLowerCase() === wanted);
    return member
      ? { member }
      : {
          member: null,
          problem: `No active member of this project has the e-mail address “${cell.trim()}”. Add them to the team first, or leave the owner empty.`,
        };
  }
  const named = members.filter((m) => lower(m.name) === wanted);
  if (named.length === 1) return { member: named[0] };
  return {
    member: null,
    problem:
      named.length > 1
        ? `Several members are called “${cell.trim()}”; write the owner's e-mail address instead.`
        : `No active member of this project is called “${cell.trim()}”. Add them to the team first, or leave the owner empty.`,
  };
}

/** Where each schema field's message goes in the preview: the field's name as the template calls it. */
const FIELD_OF_KEY: Record<string, string> = {
  ...LABEL,
  ownerId: LABEL.owner,
  register: "Register",
};

function problemsOf(error: z.ZodError, prefix = ""): RowProblem[] {
  const seen = new Set<string>();
  const problems: RowProblem[] = [];
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "");
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ field: FIELD_OF_KEY[`${prefix}${key}`] ?? FIELD_OF_KEY[key] ?? key, message: issue.message });
  }
  return problems;
}

const planSchema = debtPlanSchema.omit({ version: true });

/**
 * Every row of the table checked as "Log debt item" would check it, with the cells the mapping
 * names (a formula-looking cell is text like any other) and the defaults for empty cells.
 */
export function checkRows({
  table,
  mapping,
  defaults,
  register,
  projectStage,
  members,
}: {
  table: CsvTable;
  mapping: Mapping;
  defaults: { category: string; severity: string; stageIncurred: string };
  register: Register;
  projectStage: Stage;
  members: readonly ImportMember[];
}): CheckedRow[] {
  return table.rows.map((row) => {
    const cell = (field: ImportField) => {
      const index = mapping[field];
      return index === "" ? "" : unescapeFormulaCell(row.cells[Number(index)] ?? "");
    };
    const problems: RowProblem[] = [];
    const owner = findOwner(cell("owner"), members);
    if (owner.problem) problems.push({ field: LABEL.owner, message: owner.problem });
    const raw = {
      register,
      title: cell("title"),
      description: cell("description"),
      category: pick(cell("category"), categoryChoices(register)) || defaults.category,
      benefit: cell("benefit"),
      stageIncurred: pick(cell("stageIncurred"), STAGE_CHOICES) || defaults.stageIncurred,
      severity: pick(cell("severity"), SEVERITY_CHOICES) || defaults.severity,
      principalDays: cell("principalDays"),
      interestDays: cell("interestDays"),
      ownerId: owner.member ? String(owner.member.id) : "",
    };
    const details = newDebtItemSchema.safeParse(raw);
    if (!details.success) problems.push(...problemsOf(details.error));
    else if (stageIndex(details.data.stageIncurred) > stageIndex(projectStage)) {
      // The model's rule (app/models/debt/items.server.ts, checkDetails), in its words.
      problems.push({
        field: LABEL.stageIncurred,
        message: `The project is in ${stageLabel[projectStage]}; debt cannot be incurred in a later stage.`,
      });
    }
    const planCells = {
      strategy: cell("strategy"),
      targetDate: cell("targetDate"),
      repayBeforeStage: pick(cell("repayBeforeStage"), STAGE_CHOICES),
    };
    let plan: ImportedRowInput["plan"] = null;
    if (Object.values(planCells).some((v) => v.trim() !== "")) {
      const parsed = planSchema.safeParse(planCells);
      if (!parsed.success) problems.push(...problemsOf(parsed.error));
      else {
        const errors: FieldErrors = validatePlan({ ...parsed.data, steps: [] }, projectStage);
        for (const [key, message] of Object.entries(errors))
          problems.push({ field: FIELD_OF_KEY[key] ?? key, message });
        plan = parsed.data;
      }
    }
    const title = raw.title.trim();
    return {
      line: row.line,
      title,
      ownerName: owner.member?.name ?? null,
      problems,
      input: problems.length === 0 && details.success ? { line: row.line, details: details.data, plan } : null,
    };
  });
}

/** The columns a row has that no field takes (named in the mapping step, so nothing is lost unnoticed). */
export function unmappedColumns(header: readonly string[], mapping: Mapping): string[] {
  const used = new Set(Object.values(mapping).filter((v) => v !== ""));
  return header.map((name, i) => (used.has(String(i)) ? null : name || `Column ${i + 1}`)).filter((n) => n !== null);
}
