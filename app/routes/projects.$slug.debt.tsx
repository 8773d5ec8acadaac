/**
 * A project's two debt registers (technical, organizational) as tabs, each with its items,
 * their cost and totals, and the "Log debt item" form for members.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { STAGES } from "~/domain/vocabulary";
import { DebtItemFields } from "~/components/debt/DebtItemFields";
import { formatDays } from "~/components/debt/format";
import { RegisterTable } from "~/components/debt/RegisterTable";
import { EmptyState } from "~/components/ui/EmptyState";
import { FormError } from "~/components/ui/FormError";
import { PageHeader } from "~/components/ui/PageHeader";
import { categoriesFor, type Register } from "~/domain/debt";
import { utcDate } from "~/domain/dates";
import { registerLabel, stageLabel } from "~/domain/labels";
import { nextStage, stageIndex } from "~/domain/stages";
import { createDebtItem, listProjectDebt } from "~/models/debt.server";
import { listTeam } from "~/models/team.server";
import { toActor } from "~/utils/auth.server";
import { newDebtItemSchema } from "~/utils/debt-validation";
import { formFailure, parseForm, readForm } from "~/utils/forms";
import { actionError } from "~/utils/http.server";
import { requireProject, requireProjectWith } from "~/utils/project.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data ? `${registerLabel[data.register]} debt · ${data.project.name}` : "Debt"} · Triad` },
];

const REGISTER_TABS: Register[] = ["technical", "organizational"];

function registerOf(request: Request): Register {
  const value = new URL(request.url).searchParams.get("register");
  return value === "organizational" ? "organizational" : "technical";
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project, may } = requireProject(request, params);
  const register = registerOf(request);
  const today = utcDate(Date.now());
  const { items, summary, dueBeforeNextStage } = listProjectDebt({
    projectId: project.id,
    register,
    today,
    projectStage: project.stage,
  });
  const canWrite = may("debt:write");
  const next = nextStage(project.stage);
  return {
    project: { slug: project.slug, name: project.name, stage: project.stage },
    register,
    items,
    summary,
    dueBeforeNextStage,
    nextStageLabel: next ? stageLabel[next] : null,
    canWrite,
    form: canWrite
      ? {
          categories: categoriesFor(register).map((c) => ({ value: c.value, label: c.label })),
          members: listTeam(project.id)
            .filter((m) => m.active)
            .map((m) => ({ value: String(m.userId), label: m.name })),
          stages: STAGES.slice(0, stageIndex(project.stage) + 1),
        }
      : null,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, project } = requireProjectWith(request, params, "debt:write");
  const formData = await readForm(request);
  if (formData.get("intent") !== "create") {
    return data(formFailure(formData, {}, "Unknown action."), { status: 400 });
  }
  const parsed = parseForm(newDebtItemSchema, formData);
  if (!parsed.ok) return data(parsed, { status: 400 });
  try {
    const item = createDebtItem({ actor: toActor(user), projectId: project.id, ...parsed.data });
    return redirectWithToast(request, `/projects/${project.slug}/debt/${item.id}`, {
      kind: "success",
      message: `“${item.title}” was logged. Now give it a repayment plan.`,
    });
  } catch (error) {
    return actionError(error, formData);
  }
}

export default function ProjectDebt() {
  const { project, register, items, summary, dueBeforeNextStage, nextStageLabel, canWrite, form } =
    useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors = actionData && !actionData.ok ? actionData.fieldErrors : {};
  const values = actionData && !actionData.ok ? actionData.values : {};
  const totals = summary[register];
  return (
    <>
      <PageHeader
        title="Debt"
        description="The shortcuts this project took, what they cost each month, and how they are paid back."
        actions={
          canWrite ? (
            <a className="btn btn-primary" href="#log-debt">
              Log debt item
            </a>
          ) : null
        }
      />
      <nav className="tabs debt-tabs" aria-label="Debt registers">
        {REGISTER_TABS.map((tab) => (
          <Link
            key={tab}
            to={`?register=${tab}`}
            aria-current={tab === register ? "page" : undefined}
            preventScrollReset
          >
            {registerLabel[tab]} ({summary[tab].openCount} open)
          </Link>
        ))}
      </nav>
      <ul className="debt-stats" aria-label={`${registerLabel[register]} debt in numbers`}>
        <li>
          <span className="debt-stat-value">{formatDays(totals.principalDays)}</span> principal still to repay
        </li>
        <li>
          <span className="debt-stat-value">{formatDays(totals.accruedInterestDays)}</span> interest accrued
        </li>
        <li>
          <span className="debt-stat-value">{totals.overdueCount}</span> overdue
        </li>
        {nextStageLabel ? (
          <li>
            <span className="debt-stat-value">{dueBeforeNextStage[register]}</span> due before {nextStageLabel}
          </li>
        ) : null}
      </ul>
      {items.length === 0 ? (
        <EmptyState title={`No ${registerLabel[register].toLowerCase()} debt logged yet.`}>
          <p>
            {canWrite
              ? `When the team takes a shortcut, log it below with what it will cost to repay, so it is paid back before ${nextStageLabel ?? "it hurts"}.`
              : "Members of this project log the shortcuts they take here."}
          </p>
        </EmptyState>
      ) : (
        <RegisterTable
          slug={project.slug}
          register={register}
          items={items}
          totals={totals}
          nextStageLabel={nextStageLabel}
        />
      )}
      {form ? (
        <Form
          method="post"
          noValidate
          className="form-card debt-log-form"
          id="log-debt"
          aria-labelledby="log-debt-title"
        >
          <h2 id="log-debt-title">Log debt item ({registerLabel[register].toLowerCase()})</h2>
          <FormError message={actionData && !actionData.ok ? actionData.formError : null} />
          <input type="hidden" name="register" value={register} />
          <DebtItemFields
            categories={form.categories}
            members={form.members}
            stages={form.stages}
            defaults={{ stageIncurred: project.stage, severity: "medium" }}
            values={values}
            errors={errors}
          />
          <div className="form-actions">
            <button type="submit" name="intent" value="create" className="btn btn-primary">
              Log debt item
            </button>
          </div>
        </Form>
      ) : (
        <p className="muted">Only members of this project log and change its debt.</p>
      )}
    </>
  );
}
