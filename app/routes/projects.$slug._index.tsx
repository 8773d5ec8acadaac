import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { DISCIPLINES, STAGES } from "~/domain/vocabulary";
import type { Stage } from "~/domain/vocabulary";
import { SignOffBadge } from "~/components/gates/GateParts";
import { DisciplineBadge } from "~/components/ui/Badge";
import { SelectField, TextareaField, optionsOf } from "~/components/ui/Field";
import { FormError } from "~/components/ui/FormError";
import { utcDate } from "~/domain/dates";
import {
  openDebtChoiceLabel,
  projectStateLabel,
  registerLabel,
  stageLabel,
  stageShortLabel,
  stopCauseLabel,
} from "~/domain/labels";
import { stageIndex } from "~/domain/stages";
import { listProjectActivity } from "~/models/activity.server";
import { debtTotalsForProject } from "~/models/debt.server";
import { openReviewSummary } from "~/models/gates.server";
import { changeProjectState, reopenProject } from "~/models/projects.server";
import { countMismatches } from "~/models/requirements.server";
import { listTeam } from "~/models/team.server";
import { toActor } from "~/utils/auth.server";
import { daysSince, formatDateTime, formatDays } from "~/utils/format";
import { parseForm, readForm } from "~/utils/forms";
import { actionError } from "~/utils/http.server";
import { requireProject, requireProjectWith } from "~/utils/project.server";
import { redirectWithToast } from "~/utils/toast.server";
import { lifecycleChangeSchema, reopenSchema } from "~/utils/lifecycle-validation";

export const meta: MetaFunction = () => [{ title: "Project · Triad" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project, may } = requireProject(request, params);
  const now = Date.now();
  const debt = debtTotalsForProject(project.id, utcDate(now), project.stage);
  return {
    project,
    team: listTeam(project.id),
    mismatches: countMismatches(project.id),
    review: openReviewSummary(project.id),
    debt,
    activity: listProjectActivity({ projectId: project.id, limit: 8 }),
    mayEdit: may("project:edit"),
    mayChangeState: may("project:change-state"),
    // Stopping asks what happens to the open debt; an admin reopens a stopped project.
    // Open and repaying items, from the totals remembered until the next write (no extra query).
    openDebtCount:
      project.state === "active" || project.state === "on_hold"
        ? debt.technical.openCount + debt.organizational.openCount
        : 0,
    mayReopen: may("project:reopen"),
    now,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, project } = requireProjectWith(request, params, "project:change-state");
  const formData = await readForm(request);
  if (formData.get("intent") === "reopen") {
    const parsed = parseForm(reopenSchema, formData);
    if (!parsed.ok) return data(parsed, { status: 400 });
    try {
      reopenProject({ actor: toActor(user), projectId: project.id, ...parsed.data });
      return redirectWithToast(request, `/projects/${project.slug}`, {
        kind: "success",
        message: "The project is active again. Written-off debt stays written off.",
      });
    } catch (error) {
      return actionError(error, formData);
    }
  }
  const parsed = parseForm(lifecycleChangeSchema, formData);
  if (!parsed.ok) return data(parsed, { status: 400 });
  try {
    const { version, ...change } = parsed.data;
    changeProjectState({ actor: toActor(user), projectId: project.id, version, change });
    const messages = {
      on_hold: "The project is on hold. Gate reviews pause until it resumes.",
      active: "The project is active again.",
      stopped:
        change.to === "stopped" && change.openDebt === "write_off"
          ? "The project was stopped and its open debt written off. Its history and the reasons stay on record."
          : "The project was stopped. Its history and the reason stay on record.",
      retired: "The project was retired from production.",
    } as const;
    return redirectWithToast(request, `/projects/${project.slug}`, { kind: "success", message: messages[change.to] });
  } catch (error) {
    return actionError(error, formData);
  }
}

function StageProgress({ stage }: { stage: Stage }) {
  return (
    <ol className="progress" aria-label="Stage">
      {STAGES.map((s) => {
        const state = stageIndex(s) < stageIndex(stage) ? "done" : s === stage ? "current" : "todo";
        return (
          <li key={s} className={state} aria-current={state === "current" ? "step" : undefined}>
            {stageLabel[s]}
            <span className="sr-only">
              {state === "done" ? " (passed)" : state === "current" ? " (current stage)" : " (ahead)"}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

export default function ProjectOverview() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const p = d.project;
  const confirm = searchParams.get("confirm");
  const errors = actionData && !actionData.ok ? actionData.fieldErrors : {};
  const base = `/projects/${p.slug}`;
  return (
    <>
      <FormError message={actionData && !actionData.ok ? actionData.formError : null} />
      <StageProgress stage={p.stage} />
      <div className="grid-2">
        <section className="card" aria-labelledby="about-title">
          <div className="row space-between">
            <h2 id="about-title">About</h2>
            {d.mayEdit ? <Link to={`${base}/edit`}>Edit project</Link> : null}
          </div>
          {p.summary ? <p>{p.summary}</p> : null}
          <dl className="dl">
            <dt>Owner</dt>
            <dd>{p.ownerName}</dd>
            <dt>In {stageShortLabel[p.stage]} for</dt>
            <dd>
              {daysSince(p.stageEnteredAt, p.closedAt ?? d.now)} days
              {p.closedAt != null ? ` (until it was ${projectStateLabel[p.state].toLowerCase()})` : null}
            </dd>
            {p.state === "stopped" && p.stopCause ? (
              <>
                <dt>Stopped because</dt>
                <dd>
                  {stopCauseLabel[p.stopCause]}: {p.stopNote}
                </dd>
              </>
            ) : null}
          </dl>
          {p.businessCase ? (
            <>
              <h3 className="section-title">Business case</h3>
              <p className="prewrap">{p.businessCase}</p>
            </>
          ) : null}
        </section>
        <section className="card" aria-labelledby="gate-title">
          <h2 id="gate-title">Gate review</h2>
          {d.review ? (
            <>
              <p>
                Open: {stageShortLabel[p.stage]} → {stageShortLabel[d.review.targetStage]},{" "}
                {d.review.blockerCount === 0
                  ? "ready to promote"
                  : `${d.review.blockerCount} thing${d.review.blockerCount === 1 ? "" : "s"} still blocking`}
                .
              </p>
              <ul className="list-plain">
                {d.review.panels.map((panel) => (
                  <li key={panel.discipline} className="row">
                    <DisciplineBadge discipline={panel.discipline} /> <SignOffBadge status={panel.status} />
                    {panel.signer ? <span className="small">{panel.signer}</span> : null}
                  </li>
                ))}
              </ul>
              <Link to={`${base}/gate`}>Go to the review</Link>
            </>
          ) : (
            <p>
              No review open. <Link to={`${base}/gate`}>Gate page</Link>
            </p>
          )}
          <h3 className="section-title">Requirements</h3>
          <p>
            {d.mismatches === 0 ? (
              "No open mismatches among the must-haves."
            ) : (
              <Link to={`${base}/requirements?view=mismatches&priority=must`}>
                {d.mismatches} open mismatch{d.mismatches === 1 ? "" : "es"} (must-haves infeasible for either
                discipline or not yet assessed by both)
              </Link>
            )}
          </p>
        </section>
        <section className="card" aria-labelledby="team-title">
          <h2 id="team-title">Team</h2>
          <ul className="list-plain">
            {DISCIPLINES.map((discipline) => {
              const names = d.team.filter((m) => m.discipline === discipline).map((m) => m.name);
              return (
                <li key={discipline}>
                  <DisciplineBadge discipline={discipline} />{" "}
                  {names.length ? names.join(", ") : <span className="muted">nobody yet</span>}
                </li>
              );
            })}
          </ul>
          <Link to={`${base}/team`}>Manage the team</Link>
        </section>
        <section className="card" aria-labelledby="debt-title">
          <h2 id="debt-title">Debt</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Register</th>
                <th scope="col" className="num">
                  Open
                </th>
                <th scope="col" className="num">
                  Principal
                </th>
                <th scope="col" className="num">
                  Interest so far
                </th>
                <th scope="col" className="num">
                  Overdue
                </th>
              </tr>
            </thead>
            <tbody>
              {(["technical", "organizational"] as const).map((register) => (
                <tr key={register}>
                  <th scope="row">
                    <Link to={`${base}/debt?register=${register}`}>{registerLabel[register]}</Link>
                  </th>
                  <td className="num">{d.debt[register].openCount}</td>
                  <td className="num">{formatDays(d.debt[register].principalDays)}</td>
                  <td className="num">{formatDays(d.debt[register].accruedInterestDays)}</td>
                  <td className="num">{d.debt[register].overdueCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
      <section className="card" aria-labelledby="recent-title">
        <div className="row space-between">
          <h2 id="recent-title">Recent activity</h2>
          <Link to={`${base}/activity`}>Full timeline</Link>
        </div>
        <ol className="timeline">
          {d.activity.map((a) => (
            <li key={a.id}>
              <time dateTime={new Date(a.at).toISOString()}>{formatDateTime(a.at)}</time> {a.summary}
            </li>
          ))}
        </ol>
      </section>
      {d.mayChangeState ? (
        <StateControls
          project={p}
          confirm={confirm}
          errors={errors}
          values={actionData && !actionData.ok ? actionData.values : {}}
          base={base}
          openDebtCount={d.openDebtCount}
        />
      ) : null}
      {d.mayReopen ? (
        <ReopenControls
          project={p}
          confirm={confirm}
          errors={errors}
          values={actionData && !actionData.ok ? actionData.values : {}}
          base={base}
        />
      ) : null}
    </>
  );
}

function StateControls({
  project,
  confirm,
  errors,
  values,
  base,
  openDebtCount,
}: {
  project: { state: string; stage: Stage; version: number };
  confirm: string | null;
  errors: Record<string, string>;
  values: Record<string, string>;
  base: string;
  openDebtCount: number;
}) {
  if (project.state === "stopped" || project.state === "retired") return null;
  const showStop =
    confirm === "stop" || Boolean(errors.stopCause || errors.stopNote || errors.openDebt || errors.writeOffReason);
  return (
    <section className="card" aria-labelledby="state-title">
      <h2 id="state-title">Project state</h2>
      <div className="row">
        <Form method="post" className="inline-form">
          <input type="hidden" name="version" value={project.version} />
          {project.state === "active" ? (
            <button type="submit" name="to" value="on_hold" className="btn btn-secondary">
              Put on hold
            </button>
          ) : (
            <button type="submit" name="to" value="active" className="btn btn-secondary">
              Resume
            </button>
          )}
        </Form>
        {!showStop ? (
          <Link to="?confirm=stop" className="btn btn-secondary">
            Stop project…
          </Link>
        ) : null}
        {project.stage === "production" && confirm !== "retire" ? (
          <Link to="?confirm=retire" className="btn btn-secondary">
            Retire…
          </Link>
        ) : null}
      </div>
      {showStop ? (
        <Form method="post" noValidate className="confirm-box">
          <input type="hidden" name="version" value={project.version} />
          <input type="hidden" name="to" value="stopped" />
          <p>Stopping ends the project: it becomes read-only and any open gate review is withdrawn.</p>
          <SelectField
            label="Why did it stop?"
            name="stopCause"
            placeholder="Choose a cause"
            options={optionsOf(stopCauseLabel)}
            defaultValue={values.stopCause ?? ""}
            error={errors.stopCause}
          />
          <TextareaField
            label="What happened"
            name="stopNote"
            defaultValue={values.stopNote ?? ""}
            error={errors.stopNote}
          />
          {openDebtCount > 0 ? <OpenDebtChoice count={openDebtCount} errors={errors} values={values} /> : null}
          <div className="form-actions">
            <button type="submit" className="btn btn-danger">
              Stop the project
            </button>
            <Link to={base}>Cancel</Link>
          </div>
        </Form>
      ) : null}
      {confirm === "retire" && project.stage === "production" ? (
        <Form method="post" className="confirm-box">
          <input type="hidden" name="version" value={project.version} />
          <p>Retire this product from production? It becomes read-only; its history stays.</p>
          <div className="form-actions">
            <button type="submit" name="to" value="retired" className="btn btn-danger">
              Yes, retire it
            </button>
            <Link to={base}>Cancel</Link>
          </div>
        </Form>
      ) : null}
    </section>
  );
}

/**
 * What happens to a stopping project's open debt: written off with a reason (it stops costing
 * interest and leaves the queues and overdue counts) or kept open as it is.
 */
function OpenDebtChoice({
  count,
  errors,
  values,
}: {
  count: number;
  errors: Record<string, string>;
  values: Record<string, string>;
}) {
  const items = `${count} open debt ${count === 1 ? "item" : "items"}`;
  return (
    <>
      <fieldset aria-describedby={`open-debt-hint${errors.openDebt ? " open-debt-error" : ""}`}>
        <legend>What happens to its {items}?</legend>
        <p id="open-debt-hint" className="field-hint">
          Written-off items stop costing interest and leave the queues and overdue counts; each keeps the reason in its
          history. Kept items stay open as they are.
        </p>
        <div className="radio-col">
          {(["write_off", "keep"] as const).map((choice) => (
            <label key={choice}>
              <input type="radio" name="openDebt" value={choice} defaultChecked={values.openDebt === choice} />{" "}
              {openDebtChoiceLabel[choice]}
            </label>
          ))}
        </div>
        {errors.openDebt ? (
          <p className="field-error" id="open-debt-error">
            {errors.openDebt}
          </p>
        ) : null}
      </fieldset>
      <TextareaField
        label="Why write it off?"
        name="writeOffReason"
        hint="Needed when you write the debt off."
        defaultValue={values.writeOffReason ?? ""}
        error={errors.writeOffReason}
      />
    </>
  );
}

/** An admin brings a stopped project back, with a reason (no JavaScript: a `?confirm=reopen` box). */
function ReopenControls({
  project,
  confirm,
  errors,
  values,
  base,
}: {
  project: { version: number };
  confirm: string | null;
  errors: Record<string, string>;
  values: Record<string, string>;
  base: string;
}) {
  const open = confirm === "reopen" || Boolean(errors.reason);
  return (
    <section className="card" aria-labelledby="reopen-title">
      <h2 id="reopen-title">Project state</h2>
      {!open ? (
        <Link to="?confirm=reopen" className="btn btn-secondary">
          Reopen…
        </Link>
      ) : (
        <Form method="post" noValidate className="confirm-box">
          <input type="hidden" name="version" value={project.version} />
          <p>Reopen this project? It becomes active again; debt written off when it stopped stays written off.</p>
          <TextareaField
            label="Why reopen it?"
            name="reason"
            required
            defaultValue={values.reason ?? ""}
            error={errors.reason}
          />
          <div className="form-actions">
            <button type="submit" name="intent" value="reopen" className="btn btn-primary">
              Reopen the project
            </button>
            <Link to={base}>Cancel</Link>
          </div>
        </Form>
      )}
    </section>
  );
}
