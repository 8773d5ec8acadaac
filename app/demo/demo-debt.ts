/**
 * Demo debt: realistic items in both registers for the demo projects, including the article's
 * own examples, with repayment plans in every status (open, repaying, repaid, accepted) and
 * some overdue. Deterministic: times are offsets from `now`, owners are picked from each
 * project's members in order. Every item gets one activity row per event of its story
 * (logged, plan, steps done, status), dated in the past.
 *
 * `seedDemoDebt(tx, { now, projects, createdById })` writes rows directly (the history is in
 * the past, so the models' "now" does not apply). Pass `timeline` (app/demo/demo.ts's Timeline) to
 * have the activity rows written in time order with the rest of the demo; without it they
 * are written here, sorted by time.
 */
import type { Tx } from "../../db/client.server";
import { debtItems, projects, repaymentSteps, users } from "../../db/schema";
import { type Stage } from "~/domain/vocabulary";
import { recordActivity, type ActivityInput } from "~/models/activity.server";
import { categoryLabel, type Register } from "~/domain/debt";
import { utcDate, addDays } from "~/domain/dates";
import { debtStatusLabel, registerLabel, severityLabel } from "~/domain/labels";

const DAY = 24 * 60 * 60 * 1000;

export type DemoDebtProject = { id: number; stage: Stage; slug: string; memberIds: number[] };

type Status = "open" | "repaying" | "repaid" | "accepted";

type StepSpec = {
  title: string;
  /** Due this many days from `now` (negative: in the past). */
  dueInDays: number | null;
  /** Done this many days ago; null = not done. */
  doneDaysAgo: number | null;
};

type ItemSpec = {
  register: Register;
  title: string;
  description: string;
  category: string;
  benefit: string;
  severity: "low" | "medium" | "high" | "critical";
  principalDays: number;
  interestDays: number;
  openedDaysAgo: number;
  /** Target date, days from now (negative = already passed). */
  targetInDays: number | null;
  /** "next": the project's next stage, if any. */
  repayBefore: "next" | null;
  strategy: string | null;
  steps: StepSpec[];
  status: Status;
  /** For repaid (days ago), accepted (days ago, justification, review in days). */
  settled?: { daysAgo: number; note?: string; justification?: string; reviewInDays?: number };
};

const step = (title: string, dueInDays: number | null, doneDaysAgo: number | null = null): StepSpec => ({
  title,
  dueInDays,
  doneDaysAgo,
});

/**
 * Item stories per demo project (by slug; the predictive-maintenance project, the article's
 * own use case, gets its examples). A project with another slug gets a story set in turn.
 */
// prettier-ignore
const STORIES: Record<string, ItemSpec[]> = {
  "press-line-3-predictive-maintenance": [
    {
      register: "technical", title: "Hard-coded data transformation to show results tomorrow",
      description: "The join of vibration, temperature and oil-pressure readings is a notebook cell with constants for line 3's sensor ids and shift times. Any new sensor or press breaks it silently.",
      category: "hard_coded_logic", benefit: "Results for the maintenance steering committee the next morning.",
      severity: "high", principalDays: 8, interestDays: 1.5, openedDaysAgo: 380, targetInDays: 20, repayBefore: "next",
      strategy: "Replace the notebook cell by a tested, configurable feature pipeline job.",
      steps: [step("Describe the sensor mapping as configuration", -60, 70), step("Port the join to the pipeline job with tests", -10), step("Run both in parallel for two weeks and switch", 15)],
      status: "repaying",
    },
    {
      register: "organizational", title: "Lab tool stack incompatible with core IT",
      description: "The model runs in the lab's R/Shiny environment; core IT operates Java services on Kubernetes and has no R runtime support.",
      category: "tool_stack_incompatible", benefit: "The data scientists could start with the tools they know.",
      severity: "critical", principalDays: 25, interestDays: 4, openedDaysAgo: 400, targetInDays: 60, repayBefore: "next",
      strategy: "Agree a supported model-serving path with IT operations and move the model onto it.",
      steps: [step("Workshop with IT on the target environment", -30, 35), step("Containerise the scoring service", 30), step("Hand over the runbook to operations", 55)],
      status: "repaying",
    },
    {
      register: "organizational", title: "Data quality gaps overlooked in the PoC",
      description: "Sensor dropouts and duplicated readings were filtered by hand for the PoC data set; nobody owns the quality of the live feed.",
      category: "data_quality", benefit: "The PoC could show a result on a clean, hand-picked quarter of data.",
      severity: "high", principalDays: 10, interestDays: 2, openedDaysAgo: 360, targetInDays: -45, repayBefore: null,
      strategy: "Name a data owner and automate the quality checks on the live feed.",
      steps: [step("Name a data owner for the sensor feed", -90), step("Automate dropout and duplicate checks", -45)],
      status: "open",
    },
    {
      register: "technical", title: "Manual model retraining from a laptop",
      description: "Retraining is a sequence of notebook runs on one laptop, about once a month.",
      category: "manual_steps", benefit: "No time was spent on automation before the business case was proven.",
      severity: "medium", principalDays: 4, interestDays: 0.5, openedDaysAgo: 300, targetInDays: -100, repayBefore: null,
      strategy: "Schedule retraining as a pipeline job with a model registry.",
      steps: [step("Script the retraining", -150, 160), step("Schedule it in the platform", -110, 112)],
      status: "repaid", settled: { daysAgo: 112, note: "Retraining runs monthly in the platform scheduler." },
    },
  ],
  "spare-parts-demand-forecast": [
    {
      register: "technical", title: "Replenishment parameters hard-coded per warehouse",
      description: "Safety-stock factors and lead times for the three warehouses are constants in the forecast job.",
      category: "hard_coded_logic", benefit: "The first replenishment run went live before the ERP master data was cleaned.",
      severity: "medium", principalDays: 4, interestDays: 0.5, openedDaysAgo: 520, targetInDays: -250, repayBefore: null,
      strategy: "Read the parameters from the ERP master data.",
      steps: [step("Clean lead times in the ERP", -300, 310), step("Read parameters from the ERP", -260, 262)],
      status: "repaid", settled: { daysAgo: 262, note: "All parameters come from the ERP; constants removed." },
    },
    {
      register: "organizational", title: "Forecast overrides kept in a planner's spreadsheet",
      description: "Planners correct the forecast for promotions in a personal spreadsheet that the job reads from a file share.",
      category: "unclear_ownership", benefit: "Planners could correct the first forecasts without waiting for a UI.",
      severity: "medium", principalDays: 6, interestDays: 1, openedDaysAgo: 400, targetInDays: null, repayBefore: null,
      strategy: null, steps: [], status: "accepted",
      settled: { daysAgo: 90, justification: "Two planners, a handful of overrides a month; a UI costs more than it saves this year.", reviewInDays: 150 },
    },
    {
      register: "technical", title: "Nightly forecast job fails silently when the ERP is down",
      description: "If the ERP extract is empty the job writes last week's forecast again without an alert.",
      category: "infrastructure", benefit: "Go-live did not wait for the monitoring platform.",
      severity: "high", principalDays: 3, interestDays: 0.75, openedDaysAgo: 280, targetInDays: -20, repayBefore: null,
      strategy: "Fail loudly: check the extract and alert operations.",
      steps: [step("Check the extract size and fail the job", -40), step("Alert the operations channel", -20)],
      status: "open",
    },
  ],
  "customer-churn-early-warning": [
    {
      register: "technical", title: "Scoring runs as a cron job on a shared VM",
      description: "Monthly scoring is a cron entry on the analytics VM, without monitoring.",
      category: "tool_unfit_for_production", benefit: "Scores were ready for the first account-manager campaign.",
      severity: "medium", principalDays: 6, interestDays: 1, openedDaysAgo: 250, targetInDays: null, repayBefore: null,
      strategy: null, steps: [], status: "accepted",
      settled: { daysAgo: 60, justification: "Runs reliably for a monthly batch; moving it now costs more than it saves.", reviewInDays: 120 },
    },
    {
      register: "organizational", title: "Unclear ownership of the customer data extract",
      description: "Nobody in CRM owns the extract the model reads; a schema change last spring went unnoticed for a week.",
      category: "unclear_ownership", benefit: "The PoC got data from a colleague's export without a formal request.",
      severity: "medium", principalDays: 3, interestDays: 0.5, openedDaysAgo: 230, targetInDays: 30, repayBefore: "next",
      strategy: "Agree a data contract with the CRM team.",
      steps: [step("Draft the data contract", 10), step("Sign-off by the CRM lead", 30)],
      status: "open",
    },
    {
      register: "technical", title: "Missing tests for the feature pipeline",
      description: "The feature code has no unit tests; refactoring relies on comparing outputs by eye.",
      category: "missing_tests", benefit: "The pilot started two weeks earlier.",
      severity: "medium", principalDays: 5, interestDays: 0.75, openedDaysAgo: 200, targetInDays: 40, repayBefore: "next",
      strategy: "Cover the feature functions with table tests before the next change.",
      steps: [step("Tests for the contract-history features", 20), step("Tests for the service-ticket features", 40)],
      status: "open",
    },
  ],
  "invoice-ocr": [
    {
      register: "technical", title: "No documentation of the extraction rules",
      description: "Only the original data scientist knew why certain invoice layouts are special-cased.",
      category: "missing_documentation", benefit: "A faster first release.",
      severity: "low", principalDays: 2, interestDays: 0.25, openedDaysAgo: 500, targetInDays: -300, repayBefore: null,
      strategy: "Write the rules down next to the code.",
      steps: [step("Document the layout rules", -320, 330)],
      status: "repaid", settled: { daysAgo: 330, note: "Rules documented in the repository." },
    },
    {
      register: "organizational", title: "Privacy review done after the pilot started",
      description: "Invoices contain personal data of sole traders; the privacy review came late.",
      category: "privacy_security", benefit: "The pilot could run on real invoices at once.",
      severity: "high", principalDays: 4, interestDays: 0.5, openedDaysAgo: 480, targetInDays: -200, repayBefore: null,
      strategy: "Complete the privacy impact assessment and apply its measures.",
      steps: [step("Privacy impact assessment", -260, 265), step("Mask personal data in logs", -210, 215)],
      status: "repaid", settled: { daysAgo: 215, note: "Assessment approved; masking in place." },
    },
    {
      register: "technical", title: "OCR engine licence bound to one lab workstation",
      description: "The commercial OCR engine is licensed per machine; production still calls the lab workstation.",
      category: "tool_unfit_for_production", benefit: "No procurement round before the pilot.",
      severity: "critical", principalDays: 7, interestDays: 2, openedDaysAgo: 340, targetInDays: 25, repayBefore: null,
      strategy: "Buy a server licence and move the engine into the application cluster.",
      steps: [step("Procure the server licence", -20, 18), step("Install it in the cluster", 10), step("Switch the service over", 25)],
      status: "repaying",
    },
  ],
  "energy-price-forecast": [
    {
      register: "organizational", title: "Price data pulled with a trader's personal API key",
      description: "The exchange's price feed is read with one trader's personal key; it expires when they leave.",
      category: "data_access", benefit: "The PoC had market data on day one.",
      severity: "high", principalDays: 3, interestDays: 0.5, openedDaysAgo: 60, targetInDays: 21, repayBefore: "next",
      strategy: "Request a company data-feed contract and a service account.",
      steps: [step("Ask procurement for the feed contract", -7), step("Switch to the service account", 21)],
      status: "open",
    },
    {
      register: "technical", title: "Backtest run once by hand",
      description: "The backtest that convinced procurement was run once from a notebook and cannot be repeated.",
      category: "manual_steps", benefit: "A convincing number for the first procurement meeting.",
      severity: "medium", principalDays: 2, interestDays: 0.25, openedDaysAgo: 50, targetInDays: null, repayBefore: null,
      strategy: null, steps: [], status: "open",
    },
  ],
  "weld-seam-inspection": [
    {
      register: "organizational", title: "No edge compute on the shop-floor network",
      description: "The image model needs a GPU next to the welding cell; the plant network has none and core IT cannot run GPUs there.",
      category: "tool_stack_incompatible", benefit: "The pilot ran on a lab workstation wheeled next to the cell.",
      severity: "critical", principalDays: 40, interestDays: 3, openedDaysAgo: 320, targetInDays: -220, repayBefore: null,
      strategy: "Wait for the edge-computing platform, then deploy there.",
      steps: [step("Join the edge-platform working group", -260, 265), step("Deploy the model on the edge platform", -220)],
      status: "repaying",
    },
  ],
  "oee-dashboard": [
    {
      register: "organizational", title: "MES data only available as a nightly file",
      description: "The MES exports machine states once a night as a CSV; the dashboard needs them every 15 minutes.",
      category: "data_access", benefit: "The PoC dashboard could be shown with yesterday's data.",
      severity: "high", principalDays: 12, interestDays: 1, openedDaysAgo: 240, targetInDays: 90, repayBefore: "next",
      strategy: "Use the MES upgrade's event interface once it is installed.",
      steps: [step("Confirm the MES upgrade date with plant IT", -30, 32), step("Switch the dashboard to the event interface", 90)],
      status: "repaying",
    },
  ],
  "call-volume-forecast": [
    {
      register: "organizational", title: "Missing data engineer on the team",
      description: "The team has a data scientist but nobody who owns pipelines in production.",
      category: "missing_skills", benefit: "The project could start without waiting for a hire.",
      severity: "high", principalDays: 15, interestDays: 3, openedDaysAgo: 30, targetInDays: -5, repayBefore: "next",
      strategy: "Borrow a data engineer from the platform team until the hire starts.",
      steps: [step("Agree the loan with the platform team", -10)],
      status: "open",
    },
  ],
};

const STORY_SETS = Object.values(STORIES);

function pickOwner(project: DemoDebtProject, index: number): number | null {
  return project.memberIds.length ? project.memberIds[index % project.memberIds.length] : null;
}

function nextStageOf(stage: Stage): Stage | null {
  return stage === "poc" ? "pilot" : stage === "pilot" ? "production" : null;
}

function previousStageOf(stage: Stage): Stage {
  return stage === "production" ? "pilot" : "poc";
}

/**
 * Squeezes a story into a project younger than it: every "days ago" shrinks by the same
 * factor, and what was in the past stays at least a day in the past (overdue stays overdue).
 */
function scaler(projectAgeDays: number, stories: ItemSpec[]) {
  const oldest = Math.max(...stories.map((s) => s.openedDaysAgo));
  const factor = Math.min(1, Math.max(0.05, (projectAgeDays - 3) / oldest));
  const ago = (days: number) => Math.max(1, Math.round(days * factor));
  return {
    ago,
    /** Days from now: the future unchanged, the past scaled. */
    offset: (days: number) => (days >= 0 ? days : -ago(-days)),
  };
}

export function seedDemoDebt(
  tx: Tx,
  {
    now,
    projects: demoProjects,
    createdById,
    timeline,
  }: {
    now: number;
    projects: DemoDebtProject[];
    createdById: number;
    timeline?: { add(row: ActivityInput & { at: number }): void };
  },
): { itemIds: number[] } {
  const today = utcDate(now);
  // Without a timeline, rows are kept and written sorted at the end, so ids follow time.
  const pending: (ActivityInput & { at: number })[] = [];
  const add = (row: ActivityInput & { at: number }) => (timeline ? timeline.add(row) : pending.push(row));
  const names = new Map(
    tx
      .select({ id: users.id, name: users.name })
      .from(users)
      .all()
      .map((u) => [u.id, u.name]),
  );
  const nameOf = (id: number | null) => (id == null ? "Someone" : (names.get(id) ?? "Someone"));
  const stored = new Map(
    tx
      .select({ id: projects.id, createdAt: projects.createdAt, stageEnteredAt: projects.stageEnteredAt })
      .from(projects)
      .all()
      .map((p) => [p.id, p]),
  );
  const HOUR = 60 * 60 * 1000;
  const itemIds: number[] = [];
  demoProjects.forEach((project, p) => {
    const stories = STORIES[project.slug] ?? STORY_SETS[p % STORY_SETS.length];
    const row = stored.get(project.id);
    if (!row) throw new Error(`Demo debt: no project ${project.id}`);
    const { ago, offset } = scaler((now - row.createdAt) / DAY, stories);
    const dateIn = (days: number | null) => (days == null ? null : addDays(today, offset(days)));
    stories.forEach((spec, i) => {
      const ownerId = pickOwner(project, p + i);
      const creatorId = pickOwner(project, p + i + 1) ?? createdById;
      const openedAt = now - ago(spec.openedDaysAgo) * DAY;
      const next = spec.repayBefore === "next" ? nextStageOf(project.stage) : null;
      const settledAt = spec.settled ? now - ago(spec.settled.daysAgo) * DAY : null;
      // When each step was done (a step exists an hour per position after the item was logged).
      const doneTimes = spec.steps.map((s, position) =>
        s.doneDaysAgo == null ? null : Math.max(openedAt + (position + 2) * HOUR, now - ago(s.doneDaysAgo) * DAY),
      );
      const doneCount = doneTimes.filter((t) => t != null).length;
      let lastDoneAt = 0;
      // Settled by hand after the last step done (steps never settle an item by themselves).
      const statusAt = settledAt == null ? null : Math.max(settledAt, ...doneTimes.map((t) => (t ?? 0) + 60_000));
      if (statusAt != null && statusAt >= now) throw new Error(`Demo debt: “${spec.title}” settled in the future`);
      const stageIncurred: Stage = openedAt >= row.stageEnteredAt ? project.stage : previousStageOf(project.stage);
      const targetDate = dateIn(spec.targetInDays);
      const item = tx
        .insert(debtItems)
        .values({
          projectId: project.id,
          register: spec.register,
          title: spec.title,
          description: spec.description,
          category: spec.category,
          benefit: spec.benefit,
          stageIncurred,
          severity: spec.severity,
          principalDays: spec.principalDays,
          interestDays: spec.interestDays,
          ownerId,
          status: spec.status,
          statusNote: spec.settled?.note ?? null,
          acceptedJustification: spec.status === "accepted" ? (spec.settled?.justification ?? null) : null,
          acceptedReviewDate:
            spec.status === "accepted" && spec.settled?.reviewInDays != null
              ? addDays(today, spec.settled.reviewInDays)
              : null,
          strategy: spec.strategy,
          targetDate,
          repayBeforeStage: next,
          openedAt,
          repaidAt: spec.status === "repaid" ? statusAt : null,
          createdById: creatorId,
          createdAt: openedAt,
          updatedAt: statusAt ?? Math.max(openedAt, ...doneTimes.map((t) => t ?? 0)),
          // One version per change: the plan, each step added and each step done, the status.
          version: 1 + (spec.strategy ? 1 : 0) + spec.steps.length + doneCount + (spec.settled ? 1 : 0),
        })
        .returning({ id: debtItems.id })
        .get();
      itemIds.push(item.id);
      const base = { projectId: project.id, entityType: "debt_item", entityId: item.id } as const;
      add({
        ...base,
        actorId: creatorId,
        at: openedAt,
        action: "debt.created",
        summary: `${nameOf(creatorId)} logged “${spec.title}” in the ${registerLabel[spec.register].toLowerCase()} debt register (${severityLabel[spec.severity]}, ${spec.principalDays} person-days to repay)`,
        after: {
          register: spec.register,
          title: spec.title,
          category: spec.category,
          categoryLabel: categoryLabel(spec.register, spec.category),
          severity: spec.severity,
          principalDays: spec.principalDays,
          interestDays: spec.interestDays,
          ownerId,
          status: "open",
        },
      });
      if (spec.strategy) {
        add({
          ...base,
          actorId: creatorId,
          at: openedAt + HOUR / 2,
          action: "debt.plan_updated",
          summary: `${nameOf(creatorId)} changed the repayment plan of “${spec.title}” (strategy, target date, repay-before stage)`,
          before: { strategy: null, targetDate: null, repayBeforeStage: null },
          after: { strategy: spec.strategy, targetDate, repayBeforeStage: next },
        });
      }
      spec.steps.forEach((s, position) => {
        const stepOwner = pickOwner(project, p + i + position);
        const createdAt = openedAt + (position + 1) * HOUR;
        const doneAt = doneTimes[position];
        const dueDate = dateIn(s.dueInDays);
        const inserted = tx
          .insert(repaymentSteps)
          .values({
            debtItemId: item.id,
            position: position + 1,
            title: s.title,
            ownerId: stepOwner,
            dueDate,
            doneAt,
            doneById: doneAt == null ? null : (stepOwner ?? creatorId),
            createdAt,
            version: doneAt == null ? 1 : 2,
          })
          .returning({ id: repaymentSteps.id })
          .get();
        add({
          ...base,
          actorId: creatorId,
          at: createdAt,
          action: "debt.step_added",
          summary: `${nameOf(creatorId)} added step ${position + 1} “${s.title}” to the plan of “${spec.title}”${dueDate ? `, due ${dueDate}` : ""}`,
          after: { step: { id: inserted.id, title: s.title, ownerId: stepOwner, dueDate, done: false } },
        });
        if (doneAt != null) {
          const doneBy = stepOwner ?? creatorId;
          // Steps never settle an item (app/domain/debt.ts statusAfterStepChange): the first one
          // done makes it repaying; marking it repaid is a status change of its own, with a note.
          const becameRepaying = spec.steps.slice(0, position).every((earlier) => earlier.doneDaysAgo == null);
          lastDoneAt = Math.max(lastDoneAt, doneAt);
          add({
            ...base,
            actorId: doneBy,
            at: doneAt,
            action: "debt.step_done",
            summary: `${nameOf(doneBy)} marked step ${position + 1} “${s.title}” of “${spec.title}” done${
              becameRepaying ? `; the item is now ${debtStatusLabel.repaying.toLowerCase()}` : ""
            }`,
            before: { stepId: inserted.id, done: false, status: becameRepaying ? "open" : "repaying" },
            after: { stepId: inserted.id, done: true, status: "repaying" },
          });
        }
      });
      if (spec.settled && statusAt != null) {
        // As app/models/debt/items.server.ts setDebtStatus writes it.
        const actorId = ownerId ?? creatorId;
        const keys = { statusNote: null, repaidAt: null, acceptedJustification: null, acceptedReviewDate: null };
        const reviewDate = spec.settled.reviewInDays != null ? addDays(today, spec.settled.reviewInDays) : null;
        add({
          ...base,
          actorId,
          at: statusAt,
          action: "debt.status_changed",
          summary:
            spec.status === "accepted"
              ? `${nameOf(actorId)} accepted “${spec.title}” until a review on ${reviewDate}: ${spec.settled.justification}`
              : `${nameOf(actorId)} marked “${spec.title}” ${debtStatusLabel[spec.status].toLowerCase()}${spec.settled.note ? `: ${spec.settled.note}` : ""}`,
          before: { status: lastDoneAt > 0 ? "repaying" : "open", ...keys },
          after:
            spec.status === "accepted"
              ? {
                  ...keys,
                  status: "accepted",
                  acceptedJustification: spec.settled.justification ?? null,
                  acceptedReviewDate: reviewDate,
                }
              : {
                  ...keys,
                  status: spec.status,
                  statusNote: spec.settled.note ?? null,
                  repaidAt: spec.status === "repaid" ? statusAt : null,
                },
        });
      }
    });
  });
  for (const row of pending.sort((a, b) => a.at - b.at)) recordActivity(tx, { via: "web", ...row });
  return { itemIds };
}
