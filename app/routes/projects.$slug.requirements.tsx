import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import type { ComponentProps } from "react";
import { z } from "zod";
import { RequirementForm, VerdictForm, VerdictPanel } from "~/components/requirements/RequirementForms";
import {
  combinedText,
  feasibilityTone,
  mismatchKindLabel,
  verdictOf,
  verdictSummary,
  VERDICT_ORDER,
  type MismatchKind,
} from "~/components/requirements/verdicts";
import { Badge } from "~/components/ui/Badge";
import { EmptyState } from "~/components/ui/EmptyState";
import { SelectField } from "~/components/ui/Field";
import { formMessage, SubmitButton, useIntentForm } from "~/components/ui/Form";
import { FormError } from "~/components/ui/FormError";
import type { VerdictDiscipline } from "~/domain/feasibility";
import { disciplineLabel, feasibilityLabel, priorityLabel } from "~/domain/labels";
import { listEntityActivity } from "~/models/activity.server";
import {
  assessRequirement,
  createRequirement,
  editResetsAssessment,
  getRequirement,
  listRequirements,
  mismatchesOf,
  updateRequirement,
  verdictsDisagree,
  withdrawRequirement,
  type RequirementRow,
} from "~/models/requirements.server";
import { toActor } from "~/utils/auth.server";
import { errorsOf, parseSubmission, readForm, resultFor, sentValue, type FormResult } from "~/utils/forms";
import { DateTime } from "~/components/ui/DateTime";
import { invariantResponse, refuse, submissionError, unknownIntent } from "~/utils/http.server";
import { requireProject, requireProjectWith } from "~/utils/project.server";
import { redirectWithToast } from "~/utils/toast.server";
import { assessmentSchema, idField, requirementSchema, versionField } from "~/utils/validation";

export const meta: MetaFunction = () => [{ title: "Requirements · Triad" }];

const PRIORITY_FILTERS = ["must", "should", "could"] as const;
type Priority = (typeof PRIORITY_FILTERS)[number];

/** The Mismatches view's priority filter: one known priority, or all (anything else). */
function priorityFilter(raw: string | null): Priority | null {
  return PRIORITY_FILTERS.find((p) => p === raw) ?? null;
}

/** Why a requirement is on the Mismatches list; a disagreement says so before "infeasible". */
function mismatchKind(r: RequirementRow): MismatchKind {
  if (verdictsDisagree(r.dsFeasibility, r.itFeasibility)) return "disagree";
  return r.feasibility === "infeasible" ? "infeasible" : "unassessed";
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project, context, may } = requireProject(request, params);
  const search = new URL(request.url).searchParams;
  const rows = listRequirements(project.id);
  const requirements = rows.map((r) => ({ ...r, disagree: verdictsDisagree(r.dsFeasibility, r.itFeasibility) }));
  const priority = priorityFilter(search.get("priority"));
  const filtered = mismatchesOf(rows, priority ? [priority] : undefined);
  const all = priority ? mismatchesOf(rows) : filtered;
  const countOf = (m: typeof all) => new Set([...m.infeasible, ...m.unassessed, ...m.disagree].map((r) => r.id)).size;
  // One row per requirement, in the page's order: infeasible (disagreements included) and unassessed.
  const listed = new Set([...filtered.infeasible, ...filtered.unassessed, ...filtered.disagree].map((r) => r.id));
  const mismatchRows = rows
    .filter((r) => listed.has(r.id))
    .map((r) => ({ id: r.id, kind: mismatchKind(r), summary: verdictSummary(r) }));
  const historyId = Number(search.get("history"));
  const mayAssess = may("requirement:assess");
  const seat = context.memberDiscipline;
  return {
    slug: project.slug,
    requirements,
    mismatches: filtered,
    mismatchRows,
    mismatchCount: countOf(all),
    view: search.get("view") === "mismatches" ? "mismatches" : "all",
    priority,
    editId: Number(search.get("edit")) || null,
    assessId: Number(search.get("assess")) || null,
    withdrawId: Number(search.get("withdraw")) || null,
    history: historyId
      ? listEntityActivity({ entityType: "requirement", entityId: historyId, projectId: project.id })
      : null,
    historyId: historyId || null,
    mayState: may("requirement:state"),
    mayAssess,
    /** The verdict this member gives (their seat), or null: business, outsiders, closed projects. */
    myVerdict: mayAssess && (seat === "it" || seat === "data_science") ? (seat as VerdictDiscipline) : null,
  };
}

// ---------- the action: one schema and one handler per intent ----------

/** The requirement a form names, and the version the page read it at. */
const requirementTarget = { requirementId: idField("Choose a requirement."), version: versionField };

/** "State a requirement" (intent "create"). */
export const createRequirementSchema = requirementSchema;
/** Editing a requirement (intent "update"). */
export const updateRequirementSchema = requirementSchema.extend(requirementTarget);
/** "Yes, withdraw it" (intent "withdraw"). */
export const withdrawRequirementSchema = z.object(requirementTarget);
/** A member's verdict for their own discipline (intent "assess"); `version` is the verdict's own. */
export const assessRequirementSchema = assessmentSchema.and(
  z.object({ ...requirementTarget, discipline: z.enum(["data_science", "it"]).optional() }),
);

type Ctx = { request: Request; actor: ReturnType<typeof toActor>; projectId: number; back: string };

async function create(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, createRequirementSchema);
  if (submission.status !== "success") return refuse(submission);
  try {
    const created = createRequirement({ actor: ctx.actor, projectId: ctx.projectId, ...submission.value });
    return redirectWithToast(ctx.request, ctx.back, {
      kind: "success",
      message: `“${created.title}” added. Data science and IT operations each give a verdict on it.`,
    });
  } catch (error) {
    return submissionError(error, submission);
  }
}

async function update(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, updateRequirementSchema);
  if (submission.status !== "success") return refuse(submission);
  const before = getRequirement(submission.value.requirementId);
  const reset = before ? editResetsAssessment(before, submission.value) : false;
  try {
    const updated = updateRequirement({ actor: ctx.actor, ...submission.value });
    return redirectWithToast(ctx.request, ctx.back, {
      kind: "success",
      message: reset
        ? `“${updated.title}” saved. Both verdicts were reset: data science and IT operations assess it again.`
        : `“${updated.title}” saved.`,
    });
  } catch (error) {
    return submissionError(error, submission);
  }
}

async function withdraw(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, withdrawRequirementSchema);
  if (submission.status !== "success") return refuse(submission);
  try {
    const withdrawn = withdrawRequirement({ actor: ctx.actor, ...submission.value });
    return redirectWithToast(ctx.request, ctx.back, {
      kind: "success",
      message: `“${withdrawn.title}” was withdrawn. Its history stays.`,
    });
  } catch (error) {
    return submissionError(error, submission);
  }
}

async function assess(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, assessRequirementSchema);
  if (submission.status !== "success") return refuse(submission);
  try {
    const assessed = assessRequirement({ actor: ctx.actor, ...submission.value });
    return redirectWithToast(ctx.request, ctx.back, {
      kind: "success",
      message: `Your verdict on “${assessed.title}” is saved: ${feasibilityLabel[submission.value.feasibility].toLowerCase()}. ${combinedText(assessed)}`,
    });
  } catch (error) {
    return submissionError(error, submission);
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await readForm(request);
  const intent = formData.get("intent");
  const needs = intent === "assess" ? "requirement:assess" : "requirement:state";
  const { user, project } = requireProjectWith(request, params, needs);
  // Forms post a requirement id; it must be one of the project the URL names.
  const posted = idField("Choose a requirement.").safeParse(formData.get("requirementId"));
  if (posted.success) {
    invariantResponse(getRequirement(posted.data)?.projectId === project.id, "This project has no such requirement.");
  }
  const ctx: Ctx = {
    request,
    actor: toActor(user),
    projectId: project.id,
    back: `/projects/${project.slug}/requirements`,
  };
  switch (intent) {
    case "create":
      return create(ctx, formData);
    case "update":
      return update(ctx, formData);
    case "withdraw":
      return withdraw(ctx, formData);
    case "assess":
      return assess(ctx, formData);
    default:
      throw unknownIntent(intent);
  }
}

// ---------- the page ----------

/** The requirement a refusal of `intent` was about, or null (another intent, or none). */
function refusedRow(actionData: FormResult | undefined, intent: string): number | null {
  const id = Number(sentValue(resultFor(actionData, intent), "requirementId"));
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

export default function Requirements() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<FormResult>();
  // A refused form comes back open, in its row, with its messages.
  const refusedUpdate = refusedRow(actionData, "update");
  const refusedAssess = refusedRow(actionData, "assess");
  const refusedWithdraw = refusedRow(actionData, "withdraw");
  const base = `/projects/${d.slug}/requirements`;
  const showEdit = (id: number) => d.mayState && (d.editId === id || refusedUpdate === id);
  const showVerdict = (id: number) => d.myVerdict !== null && (d.assessId === id || refusedAssess === id);
  const showWithdraw = (id: number) => d.mayState && (d.withdrawId === id || refusedWithdraw === id);
  /** A row's form gets the action's result only when the refusal was about that row. */
  const resultOf = (intent: string, id: number) => (refusedRow(actionData, intent) === id ? actionData : null);
  const mismatchById = new Map(d.mismatchRows.map((m) => [m.id, m]));
  const shown = d.view === "mismatches" ? d.requirements.filter((r) => mismatchById.has(r.id)) : d.requirements;
  // Each form shows its own message; a refusal whose form is not on the page (its requirement
  // withdrawn meanwhile, or filtered out) shows it here.
  const rowForm = (id: number | null, open: (id: number) => boolean) =>
    id !== null && open(id) && shown.some((r) => r.id === id && r.status === "active");
  const shownInForm =
    rowForm(refusedUpdate, showEdit) ||
    rowForm(refusedAssess, showVerdict) ||
    rowForm(refusedWithdraw, showWithdraw) ||
    (d.mayState && Boolean(resultFor(actionData, "create")));
  const refused = errorsOf(actionData);
  const mismatchesUrl = (priority: string | null) =>
    `${base}?view=mismatches${priority ? `&priority=${priority}` : ""}`;
  return (
    <>
      <h2>Requirements and feasibility</h2>
      <p className="page-description">
        Business states what the product must achieve; data science and IT operations each give their own verdict on
        whether it can. A requirement counts as assessed once both have.
      </p>
      {shownInForm ? null : <FormError message={refused.form ?? refused.requirementId ?? refused.version} />}
      <nav className="tabs" aria-label="Requirement views">
        <Link to={base} aria-current={d.view === "all" ? "page" : undefined}>
          All ({d.requirements.length})
        </Link>
        <Link to={mismatchesUrl(null)} aria-current={d.view === "mismatches" ? "page" : undefined}>
          Mismatches ({d.mismatchCount})
        </Link>
      </nav>
      {d.view === "mismatches" ? (
        <>
          <p className="muted">
            Requirements infeasible for either discipline, not yet assessed by both, or where IT operations and data
            science disagree. Resolve each by revising the requirement (which resets both verdicts), lowering its
            priority, or withdrawing it.
          </p>
          <Form method="get" className="filters" aria-label="Filter mismatches">
            <input type="hidden" name="view" value="mismatches" />
            <SelectField
              label="Priority"
              name="priority"
              defaultValue={d.priority ?? ""}
              options={[
                { value: "", label: "All priorities" },
                ...PRIORITY_FILTERS.map((p) => ({ value: p, label: priorityLabel[p] })),
              ]}
            />
            <button type="submit" className="btn btn-secondary">
              Show
            </button>
          </Form>
        </>
      ) : null}
      {shown.length === 0 ? (
        <EmptyState
          title={
            d.view === "mismatches"
              ? `No mismatches${d.priority ? ` among ${priorityLabel[d.priority].toLowerCase()}-haves` : ""}: every requirement is assessed by both disciplines and feasible.`
              : "No requirements yet."
          }
        >
          {d.view === "all" ? (
            <p>
              {d.mayState
                ? "State the first requirement below, with a target you can measure."
                : "A business member of the team states them."}
            </p>
          ) : d.priority ? (
            <p>
              <Link to={mismatchesUrl(null)}>Show every priority</Link>
            </p>
          ) : null}
        </EmptyState>
      ) : (
        <ul className="list-plain requirement-list">
          {shown.map((r) => {
            const mismatch = mismatchById.get(r.id);
            const mine = d.myVerdict && r.status === "active" ? d.myVerdict : null;
            const myCurrent = mine ? verdictOf(r, mine) : null;
            return (
              <li
                key={r.id}
                id={`requirement-${r.id}`}
                className={`card requirement ${r.status === "withdrawn" ? "withdrawn" : ""}`}
              >
                <div className="row">
                  <h3 className="requirement-title">{r.title}</h3>
                  <Badge tone={r.priority === "must" ? "info" : "muted"}>{priorityLabel[r.priority]}</Badge>
                  {r.status === "withdrawn" ? (
                    <Badge tone="muted">Withdrawn</Badge>
                  ) : (
                    <Badge tone={feasibilityTone[r.feasibility]}>{feasibilityLabel[r.feasibility]}</Badge>
                  )}
                  {r.status === "active" && r.disagree ? (
                    <Badge tone="danger">IT operations and data science disagree</Badge>
                  ) : null}
                </div>
                <p>
                  <strong>Target:</strong> {r.target}
                </p>
                {r.description ? <p className="muted">{r.description}</p> : null}
                {d.view === "mismatches" && mismatch ? (
                  <p className="small">
                    {/* A disagreement already has its badge next to the title. */}
                    {mismatch.kind === "disagree" ? null : <strong>{mismatchKindLabel[mismatch.kind]}. </strong>}
                    {mismatch.summary}.
                  </p>
                ) : null}
                {r.status === "active" ? (
                  <>
                    <div className="grid-2">
                      {VERDICT_ORDER.map((discipline) => {
                        const ds = discipline === "data_science";
                        const feasibility = ds ? r.dsFeasibility : r.itFeasibility;
                        return (
                          <VerdictPanel
                            key={discipline}
                            discipline={discipline}
                            feasibility={feasibility}
                            conditions={ds ? r.dsConditions : r.itConditions}
                            note={ds ? r.dsNote : r.itNote}
                            assessedByName={ds ? r.dsAssessedByName : r.itAssessedByName}
                            assessedAt={ds ? r.dsAssessedAt : r.itAssessedAt}
                            action={
                              mine === discipline && !showVerdict(r.id) ? (
                                <Link to={`?assess=${r.id}`}>
                                  {feasibility === "unassessed" ? "Give your verdict" : "Change your verdict"}
                                  <span className="sr-only"> on {r.title}</span>
                                </Link>
                              ) : null
                            }
                          />
                        );
                      })}
                    </div>
                    <p className="small">
                      <strong>{combinedText(r)}</strong>
                    </p>
                  </>
                ) : null}
                <div className="row small">
                  {r.status === "active" && d.mayState ? (
                    <Link to={`?edit=${r.id}`}>
                      Edit<span className="sr-only"> {r.title}</span>
                    </Link>
                  ) : null}
                  {r.status === "active" && d.mayState ? (
                    <Link to={`?withdraw=${r.id}`}>
                      Withdraw<span className="sr-only"> {r.title}</span>
                    </Link>
                  ) : null}
                  <Link to={`?history=${r.id}`}>
                    History<span className="sr-only"> of {r.title}</span>
                  </Link>
                </div>
                {showEdit(r.id) && r.status === "active" ? (
                  <EditRequirement
                    requirement={r}
                    lastResult={resultOf("update", r.id)}
                    cancelTo={base}
                    // a fresh form for each version it edits
                    key={r.version}
                  />
                ) : null}
                {mine && myCurrent && showVerdict(r.id) ? (
                  <GiveVerdict
                    key={mine === "data_science" ? r.dsVersion : r.itVersion}
                    requirementId={r.id}
                    title={r.title}
                    discipline={mine}
                    version={mine === "data_science" ? r.dsVersion : r.itVersion}
                    current={{
                      feasibility: myCurrent.feasibility === "unassessed" ? "feasible" : myCurrent.feasibility,
                      conditions: myCurrent.conditions ?? "",
                      note: (mine === "data_science" ? r.dsNote : r.itNote) ?? "",
                    }}
                    changing={myCurrent.feasibility !== "unassessed"}
                    lastResult={resultOf("assess", r.id)}
                    cancelTo={base}
                  />
                ) : null}
                {showWithdraw(r.id) && r.status === "active" ? (
                  <WithdrawRequirement
                    requirementId={r.id}
                    title={r.title}
                    version={r.version}
                    lastResult={resultOf("withdraw", r.id)}
                    cancelTo={base}
                  />
                ) : null}
                {d.historyId === r.id && d.history ? (
                  <section aria-label={`History of ${r.title}`}>
                    <ol className="timeline">
                      {d.history.map((h) => (
                        <li key={h.id}>
                          <DateTime at={h.at} /> {h.summary}
                          {h.before ? <VersionDiff before={h.before} after={h.after} /> : null}
                        </li>
                      ))}
                    </ol>
                  </section>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      {d.mayState ? (
        <section aria-labelledby="new-requirement">
          <h3 id="new-requirement">State a requirement</h3>
          {/* Keyed: a fresh form after each requirement added. */}
          <NewRequirement key={d.requirements.length} />
        </section>
      ) : null}
    </>
  );
}

/** "State a requirement": one form on the page, so its result is the action's. */
function NewRequirement() {
  const [form, fields] = useIntentForm({
    intent: "create",
    schema: createRequirementSchema,
    defaultValue: { priority: "must" },
  });
  return <RequirementForm intent="create" form={form} fields={fields} submitLabel="Add requirement" />;
}

type LastResult = FormResult | null | undefined;

/** Editing one requirement, its current wording filled in. */
function EditRequirement({
  requirement: r,
  lastResult,
  cancelTo,
}: {
  requirement: { id: number; version: number; title: string; target: string; priority: string; description: string };
  lastResult: LastResult;
  cancelTo: string;
}) {
  const [form, fields] = useIntentForm({
    intent: "update",
    schema: updateRequirementSchema,
    id: `form-update-${r.id}`,
    lastResult: lastResult ?? null,
    defaultValue: { title: r.title, target: r.target, priority: r.priority, description: r.description },
  });
  return (
    <RequirementForm
      intent="update"
      form={form}
      fields={fields}
      requirementId={r.id}
      version={r.version}
      submitLabel="Save requirement"
      cancelTo={cancelTo}
    />
  );
}

/** A member's verdict on one requirement, for their own discipline. */
function GiveVerdict({
  current,
  lastResult,
  ...props
}: Omit<ComponentProps<typeof VerdictForm>, "form" | "fields"> & {
  current: { feasibility: string; conditions: string; note: string };
  lastResult: LastResult;
}) {
  const [form, fields] = useIntentForm({
    intent: "assess",
    schema: assessRequirementSchema,
    id: `form-assess-${props.requirementId}`,
    lastResult: lastResult ?? null,
    defaultValue: current,
  });
  return <VerdictForm form={form} fields={fields} {...props} />;
}

/** "Withdraw…": the confirmation box of one requirement. */
function WithdrawRequirement({
  requirementId,
  title,
  version,
  lastResult,
  cancelTo,
}: {
  requirementId: number;
  title: string;
  version: number;
  lastResult: LastResult;
  cancelTo: string;
}) {
  const [form] = useIntentForm({
    intent: "withdraw",
    schema: withdrawRequirementSchema,
    id: `form-withdraw-${requirementId}`,
    lastResult: lastResult ?? null,
  });
  return (
    <Form method="post" className="confirm-box" {...getFormProps(form)}>
      <FormError id={form.errorId} message={formMessage(form, ["requirementId", "version"])} />
      <input type="hidden" name="requirementId" value={requirementId} />
      <input type="hidden" name="version" value={version} />
      <p>Withdraw “{title}”? It stops counting for gates; its history stays.</p>
      <div className="form-actions">
        <SubmitButton intent="withdraw" variant="danger" pendingLabel="Withdrawing…">
          Yes, withdraw it
        </SubmitButton>
        <Link to={cancelTo}>Cancel</Link>
      </div>
    </Form>
  );
}

/** What the history shows of each version, by field, in words. */
const SHOWN_FIELDS = {
  title: "title",
  target: "target",
  priority: "priority",
  status: "status",
  dsFeasibility: `${disciplineLabel.data_science} verdict`,
  dsConditions: `${disciplineLabel.data_science} conditions or reason`,
  itFeasibility: `${disciplineLabel.it} verdict`,
  itConditions: `${disciplineLabel.it} conditions or reason`,
  feasibility: "combined verdict",
  conditions: "conditions or reason", // entries from before the two verdicts
} as const;

/** The fields an entry changed, old → new. */
function VersionDiff({ before, after }: { before: string; after: string | null }) {
  const b = JSON.parse(before) as Record<string, unknown>;
  const a = after ? (JSON.parse(after) as Record<string, unknown>) : {};
  const changed = (Object.keys(SHOWN_FIELDS) as Array<keyof typeof SHOWN_FIELDS>).filter((k) => b[k] !== a[k]);
  if (!changed.length) return null;
  return (
    <ul className="small diff">
      {changed.map((k) => (
        <li key={k}>
          {SHOWN_FIELDS[k]}: <del>{String(b[k] ?? "—")}</del> → <ins>{String(a[k] ?? "—")}</ins>
        </li>
      ))}
    </ul>
  );
}
