/**
 * Demo debt, replayed through the models (app/demo/story.ts): realistic items in both
 * registers for the demo projects, including the article's own examples, with repayment plans
 * in every status (open, repaying, repaid, accepted) and some overdue. Each item's story is
 * told as it happened: a member logs it (createDebtItem), writes its plan half an hour later
 * (updateDebtItem) and adds its steps an hour apart (addRepaymentStep); steps are ticked by
 * their owners (setRepaymentStepDone: the first makes the item repaying) and an item is
 * settled by hand with a note or a justification (setDebtStatus) — steps never settle it.
 *
 * Owners and authors are picked, by a fixed rule, from the people on the team on the day.
 * Dates (targets, steps due) are counted from the day the demo is seeded, so some are overdue.
 */
import { eq } from "drizzle-orm";
import type { Tx } from "../../db/client.server";
import { debtItems } from "../../db/schema";
import type { Register } from "~/domain/debt";
import { addDays, utcDate } from "~/domain/dates";
import { nextStage } from "~/domain/stages";
import type { Stage } from "~/domain/vocabulary";
import {
  addRepaymentStep,
  createDebtItem,
  setDebtStatus,
  setRepaymentStepDone,
  updateDebtItem,
} from "~/models/debt.server";
import { DEMO_PROJECTS, type DemoProject, type DemoSeed, type PersonKey, type ProjectKey } from "~/demo/cast";
import { actorOf, DAY, fail, HOUR, MINUTE, rosterAt, type Story } from "~/demo/story";

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
 * Item stories per demo project (the predictive-maintenance project, the article's own use
 * case, gets its examples), in the order they are logged.
 */
// prettier-ignore
const STORIES: Record<ProjectKey, ItemSpec[]> = {
  pressLine3: [
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
  sparePartsDemand: [
    {
      register: "technical", title: "Replenishment parameters hard-coded per warehouse",
      description: "Safety-stock factors and lead times for the three warehouses are constants in the forecast job.",
      category: "hard_coded_logic", benefit: "The first replenishment run went live before the ERP master data was cleaned.",
      severity: "medium", principalDays: 4, interestDays: 0.5, openedDaysAgo: 520, targetInDays: -250, repayBefore: null,
      strategy: "Read the parameters from the ERP master data.",
      steps: [step("Clean lead times in the ERP", -300, 310), step("Read parameters from the ERP", -260, 262)],
      status: "repaid", settled: { daysAgo: 262, note: "All parameters come from the ERP; constants removed." },
    },
    // Logged once in production: open without a target date before that, it would have kept
    // the gate to production shut ("every open debt item has an owner and a target date").
    {
      register: "organizational", title: "Forecast overrides kept in a planner's spreadsheet",
      description: "Planners correct the forecast for promotions in a personal spreadsheet that the job reads from a file share.",
      category: "unclear_ownership", benefit: "Planners could correct the first forecasts of all three warehouses without waiting for a UI.",
      severity: "medium", principalDays: 6, interestDays: 1, openedDaysAgo: 290, targetInDays: null, repayBefore: null,
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
  churn: [
    // Logged during the pilot: open without a plan before it, it would have kept the gate to
    // pilot shut ("every open debt item has a repayment plan").
    {
      register: "technical", title: "Scoring runs as a cron job on a shared VM",
      description: "Monthly scoring is a cron entry on the analytics VM, without monitoring.",
      category: "tool_unfit_for_production", benefit: "Scores were ready for the pilot's first account-manager campaign.",
      severity: "medium", principalDays: 6, interestDays: 1, openedDaysAgo: 190, targetInDays: null, repayBefore: null,
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
  invoiceOcr: [
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
  energyPrice: [
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
  weldInspection: [
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
  oeeDashboard: [
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
  callVolume: [
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

/** The item's version now (the optimistic lock every debt mutation checks). */
export function debtVersion(tx: Tx, itemId: number): number {
  return (
    tx.select({ v: debtItems.version }).from(debtItems).where(eq(debtItems.id, itemId)).get()?.v ??
    fail(`no debt item ${itemId}`)
  );
}

/** The stage the project was in at `at`. */
function stageAt(project: DemoProject, at: number): Stage {
  let stage: Stage = "poc";
  for (const p of project.promotions) if (p.at <= at) stage = p.to;
  return stage;
}

function scheduleItem(story: Story, seed: DemoSeed, project: DemoProject, spec: ItemSpec, p: number, i: number) {
  const { now } = story;
  const today = utcDate(now);
  const dateIn = (days: number | null) => (days == null ? null : addDays(today, days));
  const on = (at: number) => rosterAt(now, project.key, at);
  const pick = (team: PersonKey[], n: number) => seed.users[team[n % team.length]];

  const openedAt = now - spec.openedDaysAgo * DAY;
  const team = on(openedAt);
  const owner = pick(team, p + i);
  const creator = pick(team, p + i + 1);
  const stageIncurred = stageAt(project, openedAt);
  const targetDate = dateIn(spec.targetInDays);
  const repayBeforeStage = spec.repayBefore === "next" ? nextStage(project.stage) : null;
  const item = { id: 0 };
  const itemId = () => item.id || fail(`“${spec.title}” is not logged yet`);
  const version = (tx: Tx) => debtVersion(tx, itemId());

  story.at(openedAt, `${creator.name} logs “${spec.title}”`, (options) => {
    item.id = createDebtItem(
      {
        actor: actorOf(creator),
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
        ownerId: owner.id,
      },
      options,
    ).id;
  });
  if (spec.strategy) {
    const strategy = spec.strategy;
    story.at(openedAt + 30 * MINUTE, `${creator.name} plans “${spec.title}”`, (options) => {
      updateDebtItem(
        {
          actor: actorOf(creator),
          itemId: itemId(),
          version: version(options.tx),
          plan: { strategy, targetDate, repayBeforeStage },
        },
        options,
      );
    });
  }

  // A step exists an hour per position after the item was logged; one done is done by its owner.
  const doneTimes = spec.steps.map((s, position) =>
    s.doneDaysAgo == null ? null : Math.max(openedAt + (position + 2) * HOUR, now - s.doneDaysAgo * DAY),
  );
  spec.steps.forEach((s, position) => {
    const addedAt = openedAt + (position + 1) * HOUR;
    const stepOwner = pick(on(addedAt), p + i + position);
    const added = { id: 0 };
    story.at(addedAt, `${creator.name} adds step ${position + 1} to “${spec.title}”`, (options) => {
      added.id = addRepaymentStep(
        {
          actor: actorOf(creator),
          itemId: itemId(),
          version: version(options.tx),
          step: { title: s.title, ownerId: stepOwner.id, dueDate: dateIn(s.dueInDays) },
        },
        options,
      ).id;
    });
    const doneAt = doneTimes[position];
    if (doneAt == null) return;
    story.at(doneAt, `${stepOwner.name} ticks step ${position + 1} of “${spec.title}”`, (options) => {
      setRepaymentStepDone(
        { actor: actorOf(stepOwner), itemId: itemId(), version: version(options.tx), stepId: added.id, done: true },
        options,
      );
    });
  });

  const settled = spec.settled;
  if (!settled) return;
  // Settled by hand after the last step done (steps never settle an item by themselves).
  const statusAt = Math.max(now - settled.daysAgo * DAY, ...doneTimes.map((t) => (t ?? 0) + MINUTE));
  story.at(statusAt, `${owner.name} settles “${spec.title}”`, (options) => {
    setDebtStatus(
      {
        actor: actorOf(owner),
        itemId: itemId(),
        version: version(options.tx),
        today: utcDate(options.now),
        change:
          spec.status === "accepted"
            ? {
                to: "accepted",
                justification: settled.justification,
                reviewDate: settled.reviewInDays == null ? undefined : addDays(today, settled.reviewInDays),
              }
            : { to: spec.status, note: settled.note },
      },
      options,
    );
  });
}

/** Every item story of every demo project, scheduled on the demo's story. */
export function scheduleDemoDebt(story: Story, seed: DemoSeed): void {
  (Object.keys(DEMO_PROJECTS) as ProjectKey[]).forEach((key, p) => {
    STORIES[key].forEach((spec, i) => scheduleItem(story, seed, seed.projects[key], spec, p, i));
  });
}
