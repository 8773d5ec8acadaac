/**
 * A project's two debt registers (technical, organizational) as tabs, each with its items,
 * their cost and totals, and the "Log debt item" form for members.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { STAGES } from "~/domain/vocabulary";
import { DebtItemFields, debtFieldValues } from "~/components/debt/DebtItemFields";
import { formatDays } from "~/components/debt/format";
import { RegisterTable } from "~/components/debt/RegisterTable";
import { EmptyState } from "~/components/ui/EmptyState";
import { formMessage, SubmitButton, useIntentForm } from "~/components/ui/Form";
import { FormError } from "~/components/ui/FormError";
import { PageHeader } from "~/components/ui/PageHeader";
import { categoriesFor, type Register } from "~/domain/debt";
import { orgToday } from "~/lib/org-time-zone.server";
import { registerLabel, stageLabel } from "~/domain/labels";
import { nextStage, stageIndex } from "~/domain/stages";
import { createDebtItem, listProjectDebt } from "~/models/debt.server";
import { listTeam } from "~/models/team.server";
import { toActor } from "~/utils/auth.server";
import { newDebtItemSchema } from "~/utils/debt-validation";
import { parseSubmission, readForm } from "~/utils/forms";
import { refuse, submissionError, unknownIntent } from "~/utils/http.server";
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
  const today = orgToday(Date.now());
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

type Ctx = { request: Request; actor: ReturnType<typeof toActor>; projectId: number; slug: string };

/** "Log debt item": the item lands on its own page, which asks for its repayment plan. */
async function create(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, newDebtItemSchema);
  if (submission.status !== "success") return refuse(submission);
  let item;
  try {
    item = createDebtItem({ actor: ctx.actor, projectId: ctx.projectId, ...submission.value });
  } catch (error) {
    return submissionError(error, submission);
  }
  return redirectWithToast(ctx.request, `/projects/${ctx.slug}/debt/${item.id}`, {
    kind: "success",
    message: `“${item.title}” was logged. Now give it a repayment plan.`,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, project } = requireProjectWith(request, params, "debt:write");
  const formData = await readForm(request);
  const ctx: Ctx = { request, actor: toActor(user), projectId: project.id, slug: project.slug };
  const intent = formData.get("intent");
  switch (intent) {
    case "create":
      return create(ctx, formData);
    default:
      throw unknownIntent(intent);
  }
}

export default function ProjectDebt() {
  const { project, register, items, summary, dueBeforeNextStage, nextStageLabel, canWrite, form } =
    useLoaderData<typeof loader>();
  const totals = summary[register];
  return (
    <>
      <PageHeader
        title="Debt"
        description="The shortcuts this project took, what they cost each month, and how they are paid back."
        actions={
          canWrite ? (
            <>
              <Link className="btn btn-secondary" to={`/projects/${project.slug}/debt/import?register=${register}`}>
                Import from a spreadsheet
              </Link>
              <a className="btn btn-primary" href="#log-debt">
                Log debt item
              </a>
            </>
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
        // One form per register: switching tabs starts it afresh, with that register's categories.
        <LogDebtForm key={register} register={register} stage={project.stage} {...form} />
      ) : (
        <p className="muted">Only members of this project log and change its debt.</p>
      )}
    </>
  );
}

type LogFormOptions = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["form"]>;

/** "Log debt item" in one register; the anchor `#log-debt` of the header's button. */
function LogDebtForm({
  register,
  stage,
  categories,
  members,
  stages,
}: LogFormOptions & { register: Register; stage: string }) {
  const [form, fields] = useIntentForm({
    intent: "create",
    schema: newDebtItemSchema,
    id: "log-debt",
    defaultValue: { register, ...debtFieldValues({ stageIncurred: stage, severity: "medium" }) },
  });
  return (
    <Form method="post" className="form-card debt-log-form" aria-labelledby="log-debt-title" {...getFormProps(form)}>
      <h2 id="log-debt-title">Log debt item ({registerLabel[register].toLowerCase()})</h2>
      <FormError id={form.errorId} message={formMessage(form, ["register"])} />
      <input type="hidden" name="register" value={register} />
      <DebtItemFields categories={categories} members={members} stages={stages} fields={fields} />
      <div className="form-actions">
        <SubmitButton intent="create" pendingLabel="Logging…">
          Log debt item
        </SubmitButton>
      </div>
    </Form>
  );
}
