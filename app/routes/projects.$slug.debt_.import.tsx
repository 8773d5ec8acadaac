/**
 * Importing a spreadsheet register into one of the project's registers (docs/domain.md,
 * "Importing a spreadsheet register"), in three steps that work without JavaScript:
 *
 * 1. "upload": a CSV file, or rows pasted from a spreadsheet, and the register;
 * 2. "preview": which column is which (guessed from the header) and values for empty cells;
 *    every row is checked as "Log debt item" checks it, and the page lists what is wrong;
 * 3. "import": the valid rows are logged in one transaction (app/models/debt/import.server.ts)
 *    and the page redirects to the import's report (`?report=<id>`), which lists what was
 *    logged and which rows were skipped and why.
 *
 * The text travels between the steps in a hidden field (at most IMPORT_MAX_BYTES, re-checked
 * at every step); nothing is stored until the import. Steps 2 and 3 post it as multipart, so it
 * is not percent-encoded past the server's body limit.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { getFormProps, type Submission } from "@conform-to/react";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { STAGES, type Stage } from "~/domain/vocabulary";
import { DateTime } from "~/components/ui/DateTime";
import { EmptyState } from "~/components/ui/EmptyState";
import { Field, SelectField, TextareaField, optionsOf, type Option } from "~/components/ui/Field";
import { formMessage, SubmitButton, useIntentForm } from "~/components/ui/Form";
import { FormError } from "~/components/ui/FormError";
import { PageHeader } from "~/components/ui/PageHeader";
import { categoriesFor, categoryLabel, type Register } from "~/domain/debt";
import { ConflictError } from "~/domain/errors";
import { registerLabel, severityLabel, stageLabel } from "~/domain/labels";
import { stageIndex } from "~/domain/stages";
import { getImportReport, importDebtItems, importReportIdByKey, type SkippedRow } from "~/models/debt/import.server";
import { listTeam } from "~/models/team.server";
import { toActor } from "~/utils/auth.server";
import {
  checkRows,
  FILE_TOO_LARGE_MESSAGE,
  guessMapping,
  IMPORT_FIELDS,
  IMPORT_LIMITS_TEXT,
  IMPORT_MAX_BYTES,
  importSchema,
  mappingSchema,
  PASTE_TOO_LARGE_MESSAGE,
  readTable,
  unmappedColumns,
  uploadSchema,
  type CheckedRow,
  type Mapping,
} from "~/utils/debt-import";
import { NO_FILES_MESSAGE, parseSubmission, refusal } from "~/utils/forms";
import { invariantResponse, refuse, submissionError, unknownIntent } from "~/utils/http.server";
import { requireProject, requireProjectWith } from "~/utils/project.server";
import { redirectWithToast } from "~/utils/toast.server";
import { readFormWithFile } from "~/utils/upload.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Import debt${data ? ` · ${data.project.name}` : ""} · Triad` },
];

const registerOf = (url: URL): Register =>
  url.searchParams.get("register") === "organizational" ? "organizational" : "technical";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const reportParam = url.searchParams.get("report");
  if (reportParam !== null) {
    // A report is read like the rest of the project: by anyone signed in.
    const { project } = requireProject(request, params);
    const id = /^\d{1,15}$/.test(reportParam) ? Number(reportParam) : 0;
    const report = id > 0 ? getImportReport(project.id, id) : null;
    invariantResponse(report, "No such import. It may belong to another project.");
    return { mode: "report" as const, project: { slug: project.slug, name: project.name }, report };
  }
  const { project } = requireProjectWith(request, params, "debt:write");
  return {
    mode: "start" as const,
    project: { slug: project.slug, name: project.name },
    register: registerOf(url),
  };
}

// ---------- the state carried between the steps ----------

type Defaults = { category: string; severity: string; stageIncurred: string };

/** What the mapping step shows: the file's columns and first rows, the choices so far. */
type MapState = {
  register: Register;
  csv: string;
  fileName: string;
  header: string[];
  samples: string[][];
  rowCount: number;
  mapping: Mapping;
  defaults: Defaults;
  categories: Option[];
  stages: Option[];
};

type PreviewRow = { line: number; title: string; category: string; severity: string; owner: string; principal: string };

type PreviewState = {
  total: number;
  valid: number;
  /** The rows with errors (the first SHOWN_ROWS), with what is wrong. */
  invalid: Array<{ line: number; title: string; problems: CheckedRow["problems"] }>;
  /** The first SHOWN_ROWS valid rows. */
  sample: PreviewRow[];
  importKey: string;
};

const SHOWN_ROWS = 200;
const SAMPLE_ROWS = 50;

type Ctx = {
  request: Request;
  actor: ReturnType<typeof toActor>;
  project: { id: number; slug: string; name: string; stage: Stage };
};

function stagesUpTo(stage: Stage): Option[] {
  return STAGES.slice(0, stageIndex(stage) + 1).map((s) => ({ value: s, label: stageLabel[s] }));
}

function mapState(
  ctx: Ctx,
  input: { register: Register; csv: string; fileName: string; mapping?: Mapping; defaults?: Defaults },
): MapState | { problem: string } {
  const table = readTable(input.csv);
  if (!table.ok) return { problem: table.message };
  const mapping = input.mapping ?? guessMapping(table.header);
  return {
    register: input.register,
    csv: input.csv,
    fileName: input.fileName,
    header: table.header,
    samples: table.rows.slice(0, 3).map((r) => r.cells),
    rowCount: table.rows.length,
    mapping,
    defaults: input.defaults ?? { category: "", severity: "medium", stageIncurred: ctx.project.stage },
    categories: categoriesFor(input.register).map((c) => ({ value: c.value, label: c.label })),
    stages: stagesUpTo(ctx.project.stage),
  };
}

/** The mapping step again, with the refusal next to its fields (or the first step, when the text itself is bad). */
function refuseAtMapping(ctx: Ctx, submission: Submission<unknown>, formError?: string) {
  const value = (submission.payload ?? {}) as Record<string, unknown>;
  const csv = typeof value.csv === "string" ? value.csv : "";
  const register: Register = value.register === "organizational" ? "organizational" : "technical";
  const fileName = typeof value.fileName === "string" ? value.fileName.slice(0, 200) : "";
  const state = csv ? mapState(ctx, { register, csv, fileName }) : null;
  if (!state || "problem" in state) {
    return refuse(submission, { formError: state?.problem ?? "Upload the file again: its text did not arrive." });
  }
  return data({ ...refusal(submission, formError ? { formError } : {}), step: "map" as const, state }, { status: 400 });
}

/** Rows checked against the project as it is now (its stage, its active members). */
function checkedRows(ctx: Ctx, value: { csv: string; register: Register; map: Mapping; defaults: Defaults }) {
  const table = readTable(value.csv);
  if (!table.ok) return { problem: table.message } as const;
  const members = listTeam(ctx.project.id)
    .filter((m) => m.active)
    .map((m) => ({ id: m.userId, name: m.name, email: m.email }));
  // A column the file does not have (a tampered form) reads as empty.
  const mapping = Object.fromEntries(
    Object.entries(value.map).map(([k, v]) => [k, v !== "" && Number(v) < table.header.length ? v : ""]),
  ) as Mapping;
  return {
    table,
    rows: checkRows({
      table,
      mapping,
      defaults: value.defaults,
      register: value.register,
      projectStage: ctx.project.stage,
      members,
    }),
  };
}

// ---------- the steps ----------

async function upload(
  ctx: Ctx,
  formData: FormData,
  file: { name: string; text: string } | null,
  problem: string | null,
  status: number,
) {
  // The schema sees the file's name where the browser sees the File (app/utils/debt-import.ts).
  formData.set("file", problem ? "refused" : (file?.name ?? ""));
  const submission = parseSubmission(formData, uploadSchema);
  if (problem) return refuse(submission, { fieldErrors: { file: problem } }, status);
  if (submission.status !== "success") return refuse(submission);
  const { register, pasted } = submission.value;
  if (!file && Buffer.byteLength(pasted, "utf8") > IMPORT_MAX_BYTES) {
    return refuse(submission, { fieldErrors: { pasted: PASTE_TOO_LARGE_MESSAGE } }, 413);
  }
  const text = file ? file.text : pasted;
  const state = mapState(ctx, { register, csv: text, fileName: file ? file.name || "upload.csv" : "" });
  if ("problem" in state) return refuse(submission, { fieldErrors: { [file ? "file" : "pasted"]: state.problem } });
  return data({ step: "map" as const, state });
}

/** "Change the columns" from the preview: the mapping step with the choices sent. */
async function remap(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, mappingSchema);
  if (submission.status !== "success") return refuseAtMapping(ctx, submission);
  const { register, csv, fileName, map, defaults } = submission.value;
  const state = mapState(ctx, { register, csv, fileName, mapping: map, defaults });
  if ("problem" in state) return refuse(submission, { formError: state.problem });
  return data({ step: "map" as const, state });
}

async function preview(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, mappingSchema);
  if (submission.status !== "success") return refuseAtMapping(ctx, submission);
  const value = submission.value;
  const checked = checkedRows(ctx, value);
  if ("problem" in checked) return refuse(submission, { formError: checked.problem });
  const state = mapState(ctx, { ...value, mapping: value.map });
  if ("problem" in state) return refuse(submission, { formError: state.problem });
  const valid = checked.rows.filter((r) => r.input);
  const invalid = checked.rows.filter((r) => !r.input);
  const previewState: PreviewState = {
    total: checked.rows.length,
    valid: valid.length,
    invalid: invalid.slice(0, SHOWN_ROWS).map(({ line, title, problems }) => ({ line, title, problems })),
    sample: valid.slice(0, SAMPLE_ROWS).map((r) => ({
      line: r.line,
      title: r.input!.details.title,
      category: categoryLabel(value.register, r.input!.details.category),
      severity: severityLabel[r.input!.details.severity],
      owner: r.ownerName ?? "",
      principal: String(r.input!.details.principalDays),
    })),
    importKey: crypto.randomUUID(),
  };
  return data({ step: "preview" as const, state, preview: previewState });
}

async function runImport(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, importSchema);
  if (submission.status !== "success") return refuseAtMapping(ctx, submission);
  const value = submission.value;
  const already = importReportIdByKey(ctx.project.id, value.importKey);
  const reportPath = (id: number) => `/projects/${ctx.project.slug}/debt/import?report=${id}`;
  if (already) {
    return redirectWithToast(ctx.request, reportPath(already), {
      kind: "info",
      message: "These rows were imported already; here is what that import did.",
    });
  }
  const checked = checkedRows(ctx, value);
  if ("problem" in checked) return refuse(submission, { formError: checked.problem });
  const rows = checked.rows.flatMap((r) => (r.input ? [r.input] : []));
  const skipped: SkippedRow[] = checked.rows
    .filter((r) => !r.input)
    .map(({ line, title, problems }) => ({ line, title, problems }));
  if (rows.length === 0) {
    return refuseAtMapping(
      ctx,
      submission,
      "None of the rows can be imported. Correct the file, then upload it again.",
    );
  }
  let result;
  try {
    result = importDebtItems({
      actor: ctx.actor,
      projectId: ctx.project.id,
      register: value.register,
      fileName: value.fileName,
      importKey: value.importKey,
      rows,
      skipped,
    });
  } catch (error) {
    // The same preview sent twice at once: the second finds the first's report.
    const again = error instanceof ConflictError ? importReportIdByKey(ctx.project.id, value.importKey) : null;
    if (again && error instanceof ConflictError)
      return redirectWithToast(ctx.request, reportPath(again), { kind: "info", message: error.message });
    return submissionError(error, submission);
  }
  const n = result.imported.length;
  const s = result.skipped.length;
  return redirectWithToast(ctx.request, reportPath(result.reportId), {
    kind: "success",
    message:
      `Imported ${n} debt ${n === 1 ? "item" : "items"} into the ${value.register} register.` +
      (s ? ` ${s} ${s === 1 ? "row was" : "rows were"} skipped; the report below says why.` : ""),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, project } = requireProjectWith(request, params, "debt:write");
  const { formData, file, fileProblem } = await readFormWithFile(request, {
    field: "file",
    maxBytes: IMPORT_MAX_BYTES,
    tooLarge: FILE_TOO_LARGE_MESSAGE,
    // The text posted back by steps 2 and 3 (its line ends may have grown to CRLF), and a margin.
    maxFieldBytes: 2 * IMPORT_MAX_BYTES + 4096,
  });
  const ctx: Ctx = {
    request,
    actor: toActor(user),
    project: { id: project.id, slug: project.slug, name: project.name, stage: project.stage },
  };
  const intent = formData.get("intent");
  if (intent !== "upload" && (file || fileProblem)) throw new Response(NO_FILES_MESSAGE, { status: 400 });
  switch (intent) {
    case "upload":
      return upload(ctx, formData, file, fileProblem?.message ?? null, fileProblem?.status ?? 400);
    case "map":
      return remap(ctx, formData);
    case "preview":
      return preview(ctx, formData);
    case "import":
      return runImport(ctx, formData);
    default:
      throw unknownIntent(intent);
  }
}

// ---------- the page ----------

const STEPS = ["Choose the file", "Match the columns", "Check and import"] as const;

function Steps({ current }: { current: 0 | 1 | 2 }) {
  return (
    <ol className="list-inline import-steps" aria-label="Steps">
      {STEPS.map((label, i) => (
        <li key={label} aria-current={i === current ? "step" : undefined} className={i === current ? "" : "muted"}>
          {i === current ? (
            <strong>
              {i + 1}. {label}
            </strong>
          ) : (
            `${i + 1}. ${label}`
          )}
        </li>
      ))}
    </ol>
  );
}

export default function ImportDebt() {
  const loaded = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  if (loaded.mode === "report") return <ImportReportView slug={loaded.project.slug} report={loaded.report} />;
  const step = actionData && "step" in actionData ? actionData : null;
  const register = step?.state.register ?? loaded.register;
  const back = `/projects/${loaded.project.slug}/debt?register=${register}`;
  const restart = `/projects/${loaded.project.slug}/debt/import?register=${register}`;
  return (
    <>
      <PageHeader
        title="Import debt from a spreadsheet"
        description="Log many debt items at once from a CSV file or rows copied from a spreadsheet. Nothing is saved until you import the rows you checked."
        actions={<Link to={back}>Back to the register</Link>}
      />
      {step?.step === "preview" && "preview" in step ? (
        <>
          <Steps current={2} />
          <PreviewStep state={step.state} preview={step.preview} restart={restart} />
        </>
      ) : step?.step === "map" ? (
        <>
          <Steps current={1} />
          <MapStep state={step.state} restart={restart} />
        </>
      ) : (
        <>
          <Steps current={0} />
          <UploadStep slug={loaded.project.slug} register={loaded.register} />
        </>
      )}
    </>
  );
}

function UploadStep({ slug, register }: { slug: string; register: Register }) {
  const [form, fields] = useIntentForm({ intent: "upload", schema: uploadSchema, defaultValue: { register } });
  const template = (r: Register) => `/projects/${slug}/debt/import/template.csv?register=${r}`;
  return (
    <Form
      method="post"
      encType="multipart/form-data"
      className="form-card"
      aria-labelledby="upload-title"
      {...getFormProps(form)}
    >
      <h2 id="upload-title">Choose the file</h2>
      <FormError id={form.errorId} message={formMessage(form)} />
      <p>
        One row per debt item, with a header line naming the columns. Start from the template (
        <a href={template("technical")} download>
          technical
        </a>{" "}
        or{" "}
        <a href={template("organizational")} download>
          organizational
        </a>
        ) or use your own columns: you match them in the next step. At most {IMPORT_LIMITS_TEXT}.
      </p>
      <SelectField
        label="Register"
        meta={fields.register}
        options={optionsOf(registerLabel)}
        hint="The categories differ: technical shortcuts, or organizational obstacles."
      />
      <Field
        label="CSV file"
        type="file"
        name="file"
        accept=".csv,.tsv,.txt,text/csv,text/plain,text/tab-separated-values"
        error={fields.file.errors?.[0]}
        hint="Save it from your spreadsheet as “CSV UTF-8”. Commas, semicolons and tabs all work."
      />
      <TextareaField
        label="Or paste the rows"
        meta={fields.pasted}
        rows={8}
        maxLength={IMPORT_MAX_BYTES}
        hint="Select the rows in your spreadsheet, header line included, copy them and paste them here."
      />
      <div className="form-actions">
        <SubmitButton intent="upload" pendingLabel="Reading…">
          Read the rows
        </SubmitButton>
      </div>
    </Form>
  );
}

const columnLetter = (i: number) =>
  i < 26
    ? String.fromCharCode(65 + i)
    : `${String.fromCharCode(64 + Math.floor(i / 26))}${String.fromCharCode(65 + (i % 26))}`;

/** The fields that travel unchanged from step to step. */
function CarriedFields({ state }: { state: Pick<MapState, "register" | "csv" | "fileName"> }) {
  return (
    <>
      <input type="hidden" name="register" value={state.register} />
      <input type="hidden" name="fileName" value={state.fileName} />
      <input type="hidden" name="csv" value={state.csv} />
    </>
  );
}

function MapStep({ state, restart }: { state: MapState; restart: string }) {
  const [form, fields] = useIntentForm({
    intent: "preview",
    schema: mappingSchema,
    defaultValue: { map: state.mapping, defaults: state.defaults },
  });
  const map = fields.map.getFieldset();
  const defaults = fields.defaults.getFieldset();
  // From the selects as they are now (Conform follows them as they change).
  const current = Object.fromEntries(
    IMPORT_FIELDS.map((f) => [f.key, typeof map[f.key].value === "string" ? map[f.key].value : ""]),
  ) as Mapping;
  const unmapped = unmappedColumns(state.header, current);
  const columns: Option[] = state.header.map((name, i) => ({
    value: String(i),
    label: `${columnLetter(i)}: ${name || "(no name)"}`,
  }));
  return (
    <Form
      method="post"
      encType="multipart/form-data"
      className="form-card wide"
      aria-labelledby="map-title"
      {...getFormProps(form)}
    >
      <h2 id="map-title">Match the columns</h2>
      <FormError id={form.errorId} message={formMessage(form, ["csv", "register", "fileName"])} />
      <p>
        {state.fileName ? <>“{state.fileName}”: </> : null}
        {state.rowCount} {state.rowCount === 1 ? "row" : "rows"} for the {state.register} register. Say which column
        holds each field; the guesses come from the header line.
      </p>
      <div className="table-wrap">
        <table>
          <caption className="sr-only">The file's first rows</caption>
          <thead>
            <tr>
              {state.header.map((name, i) => (
                <th key={i} scope="col">
                  {columnLetter(i)}: {name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {state.samples.map((cells, r) => (
              <tr key={r}>
                {state.header.map((_, i) => (
                  <td key={i}>{(cells[i] ?? "").slice(0, 80)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <CarriedFields state={state} />
      <fieldset>
        <legend>Which column holds…</legend>
        <div className="grid-3">
          {IMPORT_FIELDS.map((f) => (
            <SelectField
              key={f.key}
              label={f.key === "owner" ? "Owner (e-mail address or name)" : f.label}
              meta={map[f.key]}
              options={columns}
              placeholder="Not in the file"
            />
          ))}
        </div>
      </fieldset>
      {unmapped.length ? (
        <p className="small muted">Columns no field takes (not imported): {unmapped.join(", ")}.</p>
      ) : null}
      <fieldset>
        <legend>For empty cells</legend>
        <div className="grid-3">
          <SelectField
            label="Category"
            meta={defaults.category}
            options={state.categories}
            placeholder="None: each row names its category"
          />
          <SelectField label="Severity" meta={defaults.severity} options={optionsOf(severityLabel)} />
          <SelectField label="Stage incurred" meta={defaults.stageIncurred} options={state.stages} />
        </div>
      </fieldset>
      <div className="form-actions">
        <SubmitButton intent="preview" pendingLabel="Checking…">
          Check the rows
        </SubmitButton>
        <Link to={restart} reloadDocument>
          Start again
        </Link>
      </div>
    </Form>
  );
}

function PreviewStep({ state, preview, restart }: { state: MapState; preview: PreviewState; restart: string }) {
  const [form] = useIntentForm({ intent: "import", schema: importSchema });
  const skipped = preview.total - preview.valid;
  return (
    <>
      <section className="card" aria-labelledby="preview-title">
        <h2 id="preview-title">Check and import</h2>
        <p role="status">
          {preview.total} {preview.total === 1 ? "row" : "rows"} in the file: {preview.valid} can be imported
          {skipped
            ? `, ${skipped} ${skipped === 1 ? "has errors and will be skipped" : "have errors and will be skipped"}`
            : ""}
          .
        </p>
        {preview.invalid.length ? (
          <>
            <SkippedTable rows={preview.invalid} caption="Rows with errors (not imported)" />
            {skipped > preview.invalid.length ? (
              <p className="small muted">And {skipped - preview.invalid.length} more rows with errors.</p>
            ) : null}
          </>
        ) : null}
        {preview.sample.length ? (
          <div className="table-wrap">
            <table>
              <caption>
                Rows to import{preview.valid > preview.sample.length ? ` (the first ${preview.sample.length})` : ""}
              </caption>
              <thead>
                <tr>
                  <th scope="col" className="num">
                    Line
                  </th>
                  <th scope="col">Title</th>
                  <th scope="col">Category</th>
                  <th scope="col">Severity</th>
                  <th scope="col">Owner</th>
                  <th scope="col" className="num">
                    Principal
                  </th>
                </tr>
              </thead>
              <tbody>
                {preview.sample.map((row) => (
                  <tr key={row.line}>
                    <td className="num">{row.line}</td>
                    <td>{row.title}</td>
                    <td>{row.category}</td>
                    <td>{row.severity}</td>
                    <td>{row.owner || <span className="muted">No owner yet</span>}</td>
                    <td className="num">{row.principal}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <EmptyState title="No row can be imported yet.">
            <p>Correct the rows listed above in your spreadsheet and upload the file again, or change the columns.</p>
          </EmptyState>
        )}
      </section>
      <Form method="post" encType="multipart/form-data" className="form-card" {...getFormProps(form)}>
        <FormError id={form.errorId} message={formMessage(form, ["csv", "register", "fileName", "importKey"])} />
        <CarriedFields state={state} />
        {Object.entries(state.mapping).map(([key, value]) => (
          <input key={key} type="hidden" name={`map.${key}`} value={value} />
        ))}
        {Object.entries(state.defaults).map(([key, value]) => (
          <input key={key} type="hidden" name={`defaults.${key}`} value={value} />
        ))}
        <input type="hidden" name="importKey" value={preview.importKey} />
        <div className="form-actions">
          {preview.valid ? (
            <SubmitButton intent="import" pendingLabel="Importing…">
              Import {preview.valid} valid {preview.valid === 1 ? "row" : "rows"}
            </SubmitButton>
          ) : null}
          <SubmitButton intent="map" variant="secondary" pendingLabel="Opening…">
            Change the columns
          </SubmitButton>
          <Link to={restart} reloadDocument>
            Start again
          </Link>
        </div>
      </Form>
    </>
  );
}

function ImportReportView({ slug, report }: { slug: string; report: NonNullable<ReturnType<typeof getImportReport>> }) {
  const listed = report.imported.filter((i) => i.title);
  return (
    <>
      <PageHeader
        title="Import report"
        description={
          <>
            {report.actorName ?? "Someone"} imported {report.imported.length} debt{" "}
            {report.imported.length === 1 ? "item" : "items"} into the {report.register} register
            {report.fileName ? ` from “${report.fileName}”` : " from pasted rows"} on{" "}
            <DateTime at={report.at} withZone />.
          </>
        }
        actions={<Link to={`/projects/${slug}/debt?register=${report.register}`}>Open the register</Link>}
      />
      <section className="card" aria-labelledby="skipped-title">
        <h2 id="skipped-title">Skipped rows</h2>
        {report.skippedCount === 0 ? (
          <p>Every row was imported.</p>
        ) : (
          <>
            <p>
              {report.skippedCount === 1
                ? "1 row was not imported. Correct it in the spreadsheet and import that row again."
                : `${report.skippedCount} rows were not imported. Correct them in the spreadsheet and import those rows again.`}
            </p>
            <SkippedTable rows={report.skipped} caption="Skipped rows and what to correct" />
            {report.skippedCount > report.skipped.length ? (
              <p className="small muted">And {report.skippedCount - report.skipped.length} more.</p>
            ) : null}
          </>
        )}
      </section>
      <section className="card" aria-labelledby="imported-title">
        <h2 id="imported-title">Imported items</h2>
        <ul className="list-plain">
          {listed.map((item) => (
            <li key={item.id}>
              <span className="muted">Line {item.line}:</span>{" "}
              <Link to={`/projects/${slug}/debt/${item.id}`}>{item.title}</Link>
            </li>
          ))}
        </ul>
        {report.imported.length > listed.length ? (
          <p className="small muted">
            And {report.imported.length - listed.length} more in the{" "}
            <Link to={`/projects/${slug}/debt?register=${report.register}`}>register</Link>.
          </p>
        ) : null}
      </section>
    </>
  );
}

function SkippedTable({ rows, caption }: { rows: SkippedRow[]; caption: string }) {
  return (
    <div className="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col" className="num">
              Line
            </th>
            <th scope="col">Title</th>
            <th scope="col">What to correct</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.line}>
              <td className="num">{row.line}</td>
              <td>{row.title || <span className="muted">(no title)</span>}</td>
              <td>
                <ul className="list-plain">
                  {row.problems.map((p, i) => (
                    <li key={i}>
                      <strong>{p.field}:</strong> {p.message}
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
