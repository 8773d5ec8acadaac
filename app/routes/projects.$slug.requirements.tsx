import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { AssessmentForm, RequirementForm } from "~/components/requirements/RequirementForms";
import { Badge } from "~/components/ui/Badge";
import { EmptyState } from "~/components/ui/EmptyState";
import { FormError } from "~/components/ui/FormError";
import { feasibilityLabel, priorityLabel } from "~/domain/labels";
import { listEntityActivity } from "~/models/activity.server";
import {
  assessRequirement,
  createRequirement,
  getRequirement,
  listRequirements,
  mismatchesOf,
  updateRequirement,
  withdrawRequirement,
} from "~/models/requirements.server";
import { toActor } from "~/utils/auth.server";
import { formFailure, parseForm } from "~/utils/forms";
import { formatDateTime } from "~/utils/format";
import { actionError, invariantResponse } from "~/utils/http.server";
import { requireProject, requireProjectWith } from "~/utils/project.server";
import { redirectWithToast } from "~/utils/toast.server";
import { assessmentSchema, idField, requirementSchema, versionField } from "~/utils/validation";

export const meta: MetaFunction = () => [{ title: "Requirements · Triad" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project, may } = requireProject(request, params);
  const search = new URL(request.url).searchParams;
  const requirements = listRequirements(project.id);
  const historyId = Number(search.get("history"));
  return {
    slug: project.slug,
    requirements,
    mismatches: mismatchesOf(requirements),
    view: search.get("view") === "mismatches" ? "mismatches" : "all",
    editId: Number(search.get("edit")) || null,
    assessId: Number(search.get("assess")) || null,
    withdrawId: Number(search.get("withdraw")) || null,
    history: historyId ? listEntityActivity({ entityType: "requirement", entityId: historyId, projectId: project.id }) : null,
    historyId: historyId || null,
    mayState: may("requirement:state"),
    mayAssess: may("requirement:assess"),
  };
}

const withId = z.object({ requirementId: idField("Choose a requirement."), version: versionField });

export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await request.formData();
  const intent = formData.get("intent");
  const needs = intent === "assess" ? "requirement:assess" : "requirement:state";
  const { user, project } = requireProjectWith(request, params, needs);
  const actor = toActor(user);
  const back = `/projects/${project.slug}/requirements`;
  // Forms post a requirement id; it must be one of the project the URL names.
  const postedId = Number(formData.get("requirementId"));
  if (postedId) {
    invariantResponse(getRequirement(postedId)?.projectId === project.id, "This project has no such requirement.");
  }
  try {
    if (intent === "create") {
      const parsed = parseForm(requirementSchema, formData);
      if (!parsed.ok) return data({ ...parsed, intent }, { status: 400 });
      const created = createRequirement({ actor, projectId: project.id, ...parsed.data });
      return redirectWithToast(request, back, { kind: "success", message: `“${created.title}” added. IT or data science will assess it.` });
    }
    if (intent === "update") {
      const parsed = parseForm(requirementSchema.extend(withId.shape), formData);
      if (!parsed.ok) return data({ ...parsed, intent }, { status: 400 });
      const updated = updateRequirement({ actor, ...parsed.data });
      return redirectWithToast(request, back, {
        kind: "success",
        message:
          updated.feasibility === "unassessed" ? `“${updated.title}” saved; it needs a new assessment.` : `“${updated.title}” saved.`,
      });
    }
    if (intent === "withdraw") {
      const parsed = parseForm(withId, formData);
      if (!parsed.ok) return data({ ...parsed, intent }, { status: 400 });
      const withdrawn = withdrawRequirement({ actor, ...parsed.data });
      return redirectWithToast(request, back, { kind: "success", message: `“${withdrawn.title}” was withdrawn. Its history stays.` });
    }
    if (intent === "assess") {
      const parsed = parseForm(assessmentSchema.and(withId), formData);
      if (!parsed.ok) return data({ ...parsed, intent }, { status: 400 });
      const assessed = assessRequirement({ actor, ...parsed.data });
      return redirectWithToast(request, back, {
        kind: "success",
        message: `“${assessed.title}” assessed as ${feasibilityLabel[assessed.feasibility].toLowerCase()}.`,
      });
    }
  } catch (error) {
    return actionError(error, formData);
  }
  return data(formFailure(formData, {}, "Unknown action."), { status: 400 });
}

const feasibilityTone = { unassessed: "muted", feasible: "ok", feasible_with_conditions: "warn", infeasible: "danger" } as const;

export default function Requirements() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const failed = actionData && !actionData.ok ? actionData : null;
  const failedIntent = failed && "intent" in failed ? failed.intent : null;
  const failedId = Number(failed?.values.requirementId) || null;
  const errorsFor = (intent: string, id: number | null = null) =>
    failed && failedIntent === intent && failedId === id ? failed.fieldErrors : {};
  const valuesFor = (intent: string, id: number | null = null) =>
    failed && failedIntent === intent && failedId === id ? failed.values : null;
  const base = `/projects/${d.slug}/requirements`;
  const shown =
    d.view === "mismatches" ? [...d.mismatches.infeasible, ...d.mismatches.unassessed] : d.requirements;
  const mismatchCount = d.mismatches.infeasible.length + d.mismatches.unassessed.length;
  return (
    <>
      <h2>Requirements and feasibility</h2>
      <p className="page-description">
        Business states what the product must achieve; IT and data science assess whether it can.
      </p>
      <FormError message={failed?.formError} />
      <nav className="tabs" aria-label="Requirement views">
        <Link to={base} aria-current={d.view === "all" ? "page" : undefined}>
          All ({d.requirements.length})
        </Link>
        <Link to={`${base}?view=mismatches`} aria-current={d.view === "mismatches" ? "page" : undefined}>
          Mismatches ({mismatchCount})
        </Link>
      </nav>
      {d.view === "mismatches" ? (
        <p className="muted">
          Infeasible or unassessed must-haves. Resolve each by revising the requirement (which resets its
          assessment), lowering its priority, or withdrawing it.
        </p>
      ) : null}
      {shown.length === 0 ? (
        <EmptyState title={d.view === "mismatches" ? "No mismatches: every must-have is assessed and feasible." : "No requirements yet."}>
          {d.view === "all" ? (
            <p>
              {d.mayState
                ? "State the first requirement below, with a target you can measure."
                : "A business member of the team states them."}
            </p>
          ) : null}
        </EmptyState>
      ) : (
        <ul className="list-plain requirement-list">
          {shown.map((r) => (
            <li key={r.id} className={`card requirement ${r.status === "withdrawn" ? "withdrawn" : ""}`}>
              <div className="row">
                <h3 className="requirement-title">{r.title}</h3>
                <Badge tone={r.priority === "must" ? "info" : "muted"}>{priorityLabel[r.priority]}</Badge>
                {r.status === "withdrawn" ? (
                  <Badge tone="muted">Withdrawn</Badge>
                ) : (
                  <Badge tone={feasibilityTone[r.feasibility]}>{feasibilityLabel[r.feasibility]}</Badge>
                )}
              </div>
              <p>
                <strong>Target:</strong> {r.target}
              </p>
              {r.description ? <p className="muted">{r.description}</p> : null}
              {r.feasibility !== "unassessed" ? (
                <p className="small">
                  {r.conditions ? (
                    <>
                      <strong>{r.feasibility === "infeasible" ? "Reason" : "Conditions"}:</strong> {r.conditions}{" "}
                    </>
                  ) : null}
                  {r.feasibilityNote ? <>Note: {r.feasibilityNote} </> : null}
                  <span className="muted">
                    — {r.assessedByName}
                    {r.assessedAt ? `, ${formatDateTime(r.assessedAt)}` : ""}
                  </span>
                </p>
              ) : null}
              <div className="row small">
                {r.status === "active" && d.mayState ? <Link to={`?edit=${r.id}`}>Edit<span className="sr-only"> {r.title}</span></Link> : null}
                {r.status === "active" && d.mayAssess ? <Link to={`?assess=${r.id}`}>Assess<span className="sr-only"> {r.title}</span></Link> : null}
                {r.status === "active" && d.mayState ? <Link to={`?withdraw=${r.id}`}>Withdraw<span className="sr-only"> {r.title}</span></Link> : null}
                <Link to={`?history=${r.id}`}>History<span className="sr-only"> of {r.title}</span></Link>
              </div>
              {(d.editId === r.id || failedIntent === "update" && failedId === r.id) && d.mayState ? (
                <RequirementForm
                  intent="update"
                  requirementId={r.id}
                  version={r.version}
                  values={valuesFor("update", r.id) ?? { title: r.title, target: r.target, priority: r.priority, description: r.description }}
                  errors={errorsFor("update", r.id)}
                  submitLabel="Save requirement"
                  cancelTo={base}
                />
              ) : null}
              {(d.assessId === r.id || failedIntent === "assess" && failedId === r.id) && d.mayAssess ? (
                <AssessmentForm
                  requirementId={r.id}
                  version={r.version}
                  values={valuesFor("assess", r.id) ?? { feasibility: r.feasibility === "unassessed" ? "feasible" : r.feasibility, conditions: r.conditions ?? "", note: r.feasibilityNote ?? "" }}
                  errors={errorsFor("assess", r.id)}
                  cancelTo={base}
                />
              ) : null}
              {d.withdrawId === r.id && d.mayState ? (
                <Form method="post" className="confirm-box">
                  <input type="hidden" name="intent" value="withdraw" />
                  <input type="hidden" name="requirementId" value={r.id} />
                  <input type="hidden" name="version" value={r.version} />
                  <p>Withdraw “{r.title}”? It stops counting for gates; its history stays.</p>
                  <div className="form-actions">
                    <button type="submit" className="btn btn-danger">Yes, withdraw it</button>
                    <Link to={base}>Cancel</Link>
                  </div>
                </Form>
              ) : null}
              {d.historyId === r.id && d.history ? (
                <section aria-label={`History of ${r.title}`}>
                  <ol className="timeline">
                    {d.history.map((h) => (
                      <li key={h.id}>
                        <time dateTime={new Date(h.at).toISOString()}>{formatDateTime(h.at)}</time> {h.summary}
                        {h.before ? <VersionDiff before={h.before} after={h.after} /> : null}
                      </li>
                    ))}
                  </ol>
                </section>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {d.mayState ? (
        <section aria-labelledby="new-requirement">
          <h3 id="new-requirement">State a requirement</h3>
          <RequirementForm key={d.requirements.length} intent="create" values={valuesFor("create") ?? {}} errors={errorsFor("create")} submitLabel="Add requirement" />
        </section>
      ) : null}
    </>
  );
}

const SHOWN_FIELDS = ["title", "target", "priority", "feasibility", "conditions", "status"] as const;

/** The fields an entry changed, old → new. */
function VersionDiff({ before, after }: { before: string; after: string | null }) {
  const b = JSON.parse(before) as Record<string, unknown>;
  const a = after ? (JSON.parse(after) as Record<string, unknown>) : {};
  const changed = SHOWN_FIELDS.filter((k) => b[k] !== a[k]);
  if (!changed.length) return null;
  return (
    <ul className="small diff">
      {changed.map((k) => (
        <li key={k}>
          {k}: <del>{String(b[k] ?? "—")}</del> → <ins>{String(a[k] ?? "—")}</ins>
        </li>
      ))}
    </ul>
  );
}
