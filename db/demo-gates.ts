/**
 * Demo requirements and gate reviews (issue 3, item 8): every demo project gets requirements
 * with measurable targets (one mismatch: an infeasible must-have on the on-hold OEE PoC, and
 * unassessed should/could-haves on the PoCs); every past promotion of db/demo.ts gets the
 * promoted gate review that allowed it; and two reviews are open now:
 * - press line 3, pilot -> production: business and data science approved, IT has not signed;
 * - customer churn, pilot -> production: data science signed, then business revised a
 *   requirement (its assessment was reset), so that sign-off is stale.
 *
 * Rows are written directly with `tx.insert` inside the demo's one transaction (the models'
 * own functions open transactions of their own); every event gets the activity row the model
 * would write, dated in the past, through the demo's `Timeline`.
 *
 * Past reviews are evaluated on the gate content **as it stood then**: requirements from their
 * own history here, debt items reconstructed from their dates (opened, steps done, repaid;
 * accepted items are left out, see debtAt), members from their joining dates, attestations
 * from when they were ticked. Their
 * sign-offs' fingerprints and closing snapshots are computed from that content with the same
 * domain functions the model uses (gateFingerprint, evaluateCriteria, signOffStatus,
 * promotionBlockers); a promoted review whose sign-offs would not all be current, or whose
 * criteria would not all be met, at the instant of promotion is refused here. Open reviews
 * use the model's own `currentFingerprint(reviewId, tx)`, and the reconstruction is checked
 * against it.
 *
 * Deterministic: all times are offsets from `now` (or from a promotion) with a stable
 * minute-of-day jitter; no randomness.
 */
import { asc, eq, sql } from "drizzle-orm";
import type { Tx } from "./client.server";
import {
  debtItems,
  gateCriteria,
  gateReviews,
  repaymentSteps,
  requirements,
  signOffs,
  users,
  DISCIPLINES,
  type Decision,
  type Discipline,
  type Register,
  type Stage,
} from "./schema";
import type { DemoProject, DemoSeed, PersonKey, ProjectKey, Timeline } from "./demo";
import { gateFingerprint } from "../app/domain/fingerprint";
import {
  DEFAULT_CRITERIA,
  evaluateCriteria,
  promotionBlockers,
  signOffStatus,
  type CriterionDefinition,
  type GateFacts,
  type SignOffState,
} from "../app/domain/gates";
import { addDays, utcDate } from "../app/domain/dates";
import {
  debtStatusLabel,
  decisionLabel,
  disciplineLabel,
  feasibilityLabel,
  priorityLabel,
  stageShortLabel,
} from "../app/domain/labels";
import { currentFingerprint } from "../app/models/gates.server";
import { gateDebtFacts, insertConditionDebtItem, type GateDebtFact } from "../app/models/debt.server";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

type Priority = "must" | "should" | "could";
type Assessed = "feasible" | "feasible_with_conditions" | "infeasible";
type Feasibility = "unassessed" | Assessed;

/** A stable 0-7 h offset per label, so events do not all happen at the same minute. */
function jitter(label: string): number {
  let h = 11;
  for (const c of label) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return (h % 420) * MINUTE;
}

function fail(what: string): never {
  throw new Error(`Demo gate data is inconsistent: ${what}`);
}

// ---------------------------------------------------------------- requirements

type RequirementSpec = {
  /** Referenced by the open-review stories (the revised one). */
  ref?: string;
  title: string;
  description: string;
  target: string;
  priority: Priority;
  by: PersonKey;
  daysAgo: number;
  assess?: { by: PersonKey; daysAgo: number; feasibility: Assessed; note: string; conditions?: string };
};

const req = (
  title: string,
  priority: Priority,
  target: string,
  description: string,
  by: PersonKey,
  daysAgo: number,
  assess?: RequirementSpec["assess"],
  ref?: string,
): RequirementSpec => ({ title, priority, target, description, by, daysAgo, assess, ref });

const assess = (
  by: PersonKey,
  daysAgo: number,
  feasibility: Assessed,
  note: string,
  conditions?: string,
): NonNullable<RequirementSpec["assess"]> => ({ by, daysAgo, feasibility, note, conditions });

// prettier-ignore
const REQUIREMENTS: Record<ProjectKey, RequirementSpec[]> = {
  pressLine3: [
    req("Warn at least 48 h before a press failure", "must",
      "Median warning lead time ≥ 48 h on last year's press failures",
      "Planners need two shifts' notice to move a repair into a scheduled shift change.",
      "brigitte", 412, assess("farid", 395, "feasible", "Backtest on the last two years: vibration-trend features give a median lead time of 61 h.")),
    req("Precision ≥ 0.8 on last year's failures", "must",
      "At least 8 in 10 alarms confirmed by a failure or an inspection finding, backtested on last year's 41 failures",
      "Below that, planners stop trusting the alarms and the business case does not hold.",
      "brigitte", 412, assess("farid", 390, "feasible", "Backtest precision 0.83 at the 48 h horizon.")),
    req("Catch at least 60 % of press failures", "must",
      "Recall ≥ 0.6 on last year's failures",
      "The saving in the business case assumes at least 60 % of unplanned stops become planned ones.",
      "brigitte", 411, assess("farid", 388, "feasible_with_conditions", "Backtest recall 0.64 with all sensors.",
        "Needs the oil-pressure sensors of presses 3 and 4 retrofitted; without them recall drops to about 0.45.")),
    req("Alarms arrive as work-order proposals", "should",
      "Each alarm creates a work-order proposal in SAP PM within 15 minutes",
      "Planners work in SAP PM; an alarm anywhere else gets missed on a busy shift.",
      "brigitte", 400, assess("jonas", 370, "feasible_with_conditions", "The PM interface already takes proposals from the condition-monitoring system.",
        "Through the existing PM interface with a technical user; IT operations approves the interface change.")),
    req("Scores refreshed every hour from plant data", "should",
      "Scores at most 60 minutes old during production shifts",
      "A failure can develop within a shift; daily scores would come too late.",
      "brigitte", 398, assess("mateo", 372, "feasible", "The plant historian forwards 15-minute batches to the data platform; hourly scoring fits the network.")),
    req("Planners see why an alarm was raised", "could",
      "Each alarm lists the three sensor signals that contributed most",
      "Helps the fitter decide what to check first.",
      "brigitte", 380, assess("farid", 300, "feasible", "Per-alarm feature attributions are cheap for the gradient-boosted model.")),
  ],
  sparePartsDemand: [
    req("Weekly forecast for every part and warehouse", "must",
      "Forecast for all 4,200 parts in the 3 warehouses, 12 weeks ahead, every Monday by 06:00",
      "The replenishment run needs a complete forecast; gaps fall back to manual planning.",
      "carlos", 694, assess("lena", 680, "feasible", "A nightly ERP extract with five years of consumption is available on the data platform.")),
    req("Accurate on the fast movers", "must",
      "Weighted MAPE ≤ 25 % on the 500 fastest-moving parts over 12 weeks",
      "The fast movers carry most of the stock value.",
      "carlos", 694, assess("ines", 640, "feasible", "Backtest WMAPE 21 % with gradient-boosted models per part family.")),
    req("Keep the 97 % fill rate", "must",
      "Fill rate ≥ 97 % in each warehouse after safety stock is cut",
      "Cheaper stock is no saving if the lines wait for parts.",
      "carlos", 692, assess("ines", 636, "feasible_with_conditions", "Simulated on last year's demand: 97.4 %.",
        "Planners keep overriding the forecast for promotions and phase-outs; slow movers stay on the reorder-point rule.")),
    req("Cut safety stock", "should",
      "Safety-stock value down ≥ 15 % within six months of go-live",
      "Frees about EUR 1.1M of tied-up capital.",
      "carlos", 692, assess("ines", 630, "feasible", "The simulation shows 17 % at the same fill rate.")),
    req("Feed the ERP replenishment run", "must",
      "Forecasts loaded into the ERP before the Monday 07:00 MRP run",
      "The forecast is only used if the MRP run picks it up automatically.",
      "carlos", 690, assess("jonas", 620, "feasible_with_conditions", "Load time about 20 minutes.",
        "Through the ERP's standard forecast interface, no custom tables; needs a transport from ERP basis.")),
  ],
  churn: [
    req("Risk score for every service-contract customer", "must",
      "All active contracts (about 2,300) scored by the 3rd working day of each month",
      "Account managers plan their calls at the start of the month.",
      "dana", 468, assess("lena", 440, "feasible", "Monthly CRM extract plus the contract table; batch scoring takes under an hour.")),
    req("The top-50 list beats today's selection", "must",
      "The monthly top 50 contain ≥ 40 % of the customers who do not renew (two-year backtest)",
      "Today account managers call the customers they know; that finds about a fifth of the leavers.",
      "dana", 466, assess("ines", 420, "feasible", "Backtest: 47 % of non-renewals in the top 50 (gradient boosting on contract and ticket history).")),
    req("No personal data outside the CRM tenant", "must",
      "Scoring runs in the EU CRM tenant; no contact names or e-mail addresses in the feature store",
      "Required by the data-protection officer for any use of customer data.",
      "dana", 462, assess("kemal", 430, "feasible", "Features use customer ids only; the feature store is in the same EU tenant.")),
    req("Account managers see the reasons", "should",
      "Each score shows its three strongest reasons in the CRM",
      "A call goes better when the account manager knows what the customer is unhappy about.",
      "dana", 455, assess("ines", 415, "feasible_with_conditions", "Reasons from SHAP values per customer.",
        "Written as short reason codes: the CRM field holds 255 characters.")),
    req("Call list ready before the renewal window", "should",
      "Top-50 list delivered 90 days before each renewal date",
      "Account managers need time to arrange a visit before the customer decides.",
      "dana", 450, assess("lena", 410, "feasible", "The contract table carries renewal dates twelve months ahead."), "churn-call-list"),
  ],
  invoiceOcr: [
    req("Read the invoice header", "must",
      "Supplier, invoice number, date, net, VAT and gross amounts right on ≥ 95 % of a 500-invoice sample",
      "Every wrong header field is a manual correction in accounts payable.",
      "elif", 632, assess("ines", 600, "feasible", "Commercial OCR engine plus a layout model: 96.4 % on the sample.")),
    req("Propose the G/L account and cost centre", "must",
      "Proposal accepted unchanged for ≥ 85 % of invoice lines",
      "Account coding is most of the keying time.",
      "elif", 631, assess("ines", 590, "feasible_with_conditions", "89 % on last quarter's invoices.",
        "Trained on twelve months of posted invoices; cost centres only for the 40 most frequent suppliers at first.")),
    req("Straight-through processing", "must",
      "≥ 70 % of invoices posted without manual keying",
      "The business case: two full-time positions move to supplier queries.",
      "elif", 630, assess("hiro", 585, "feasible", "The posting interface supports automatic posting below EUR 5,000 with the proposals above.")),
    req("Scans as well as PDFs", "should",
      "Scans at 200 dpi or better read within 3 points of the accuracy on PDFs",
      "About a third of suppliers still send paper.",
      "elif", 620, assess("hiro", 580, "feasible", "Measured on 200 scans: 1.8 points below PDFs.")),
    req("Personal data of sole traders protected", "must",
      "Personal data masked in logs; invoices readable only by the accounts-payable team",
      "Invoices of sole traders carry names, addresses and bank details.",
      "elif", 615, assess("kemal", 575, "feasible_with_conditions", "Reviewed with the data-protection officer.",
        "Access through the AP role in the document system; log masking within the first production quarter.")),
  ],
  energyPrice: [
    req("Day-ahead price forecast for the plants' market zone", "must",
      "MAE ≤ 8 EUR/MWh on day-ahead prices in a 12-month backtest",
      "Procurement times flexible loads and short-term purchases on it.",
      "elif", 69, assess("farid", 55, "feasible", "First backtest: MAE 7.1 EUR/MWh with weather and gas-price features.")),
    req("Forecast published before the auction", "must",
      "Forecast for the next day available by 10:00 CET on every trading day",
      "The day-ahead auction closes at noon; traders need two hours.",
      "elif", 69, assess("lena", 50, "feasible_with_conditions", "Weather data arrives by 07:00 from the existing provider.",
        "Needs a company data-feed contract for exchange prices instead of a personal API key.")),
    req("Direction of next month's price", "should",
      "Direction of next month's average price right in ≥ 65 % of months",
      "Decides whether to buy the next month forward now or wait.",
      "elif", 66),
    req("Cheaper forward purchases", "should",
      "Average purchase price ≥ 3 % below the month's average price over six months",
      "The business case: about EUR 400k a year on 160 GWh.",
      "elif", 64),
  ],
  weldInspection: [
    req("Flag faulty seams at the cell", "must",
      "≥ 90 % of faulty seams flagged with ≤ 2 % false rejects on a 3,000-seam test set",
      "Rework at final assembly costs ten times a rejection at the cell.",
      "brigitte", 552, assess("ines", 500, "feasible", "Test set: 93 % of faulty seams flagged at 1.6 % false rejects.")),
    req("Decision before the part leaves the cell", "must",
      "Inference under 200 ms per seam at the cell",
      "The robot hands the part on after 1.5 s; the decision must come before.",
      "brigitte", 550, assess("mateo", 480, "feasible_with_conditions", "Measured 140 ms on a GPU workstation.",
        "Only with a GPU workstation next to the cell during the pilot. Production needs edge compute on the plant network, which does not exist yet.")),
    req("Operator confirms or overrides every flag", "should",
      "Every flag confirmed or overridden on the cell terminal within the cycle time",
      "The welder stays responsible for the part.",
      "brigitte", 545, assess("jonas", 470, "feasible", "The cell terminal can show a web page from the plant network.")),
  ],
  oeeDashboard: [
    req("OEE per line and shift", "must",
      "Availability, performance and quality per line and shift for all three plants",
      "Shift leads compare their lines and plants on the same figures.",
      "carlos", 254, assess("hiro", 240, "feasible", "The MES nightly export has machine states and part counts per shift.")),
    req("Figures refreshed every 15 minutes", "must",
      "Dashboard figures at most 15 minutes old during production",
      "Shift leads want to react within the shift, not the next morning.",
      "carlos", 253, assess("mateo", 235, "infeasible", "Checked with the MES vendor and plant IT.",
        "The current MES exports machine states only once a night as a CSV file; there is no interface for 15-minute data until the MES upgrade, which has no date yet.")),
    req("One OEE definition for all plants", "should",
      "One documented OEE formula, agreed by the three plant managers",
      "Today each plant counts planned stops differently.",
      "carlos", 250, assess("hiro", 230, "feasible", "Draft formula agreed with two plants; the third follows the group standard.")),
    req("Less manual reporting", "could",
      "Shift leads spend ≤ 15 minutes a week on OEE figures",
      "Today it takes them about two hours a week in spreadsheets.",
      "carlos", 248),
  ],
  callVolume: [
    req("Calls per 30-minute slot, two weeks ahead", "must",
      "WAPE ≤ 10 % per day and ≤ 20 % per 30-minute slot over the next 14 days",
      "Shift plans are made two weeks ahead in half-hour slots.",
      "dana", 34, assess("ines", 22, "feasible", "Three years of telephony logs; a seasonal model reaches 8 % per day in a first backtest.")),
    req("Holidays and campaigns accounted for", "should",
      "Error in holiday and campaign weeks no more than 1.5 × that of normal weeks",
      "The worst understaffing happens after mailings and around holidays.",
      "dana", 33),
    req("Shift plan in the workforce tool", "should",
      "Forecast imported into the workforce-management tool every Friday by 12:00",
      "Team leads plan in the workforce tool, not in spreadsheets.",
      "dana", 30),
  ],
};

type RequirementFact = {
  id: number;
  title: string;
  description: string;
  target: string;
  priority: Priority;
  status: "active" | "withdrawn";
  feasibility: Feasibility;
  conditions: string | null;
  feasibilityNote: string | null;
};

type RequirementState = RequirementFact & { version: number };

/** Every version of a requirement with the instant it took effect (for content "as it stood"). */
type RequirementHistory = { projectId: number; versions: { at: number; state: RequirementState }[] };

// ---------------------------------------------------------------- past reviews

type AttestationSpec = { key: string; by: PersonKey; daysBefore: number; note: string };
type ConditionSpec = {
  title: string;
  register: Register;
  /** Target date, days after signing. */
  targetInDays: number;
  repaid?: { daysAfter: number; note: string };
};
type SignOffSpec = {
  by: PersonKey;
  daysBefore: number;
  decision: Decision;
  comment: string;
  conditions?: ConditionSpec[];
};
type PastReviewSpec = {
  project: ProjectKey;
  to: Stage;
  openedBy: PersonKey;
  openedDaysBefore: number;
  attestations: AttestationSpec[];
  /** In the order they were given; a later one in the same discipline supersedes the earlier. */
  signOffs: SignOffSpec[];
};

const attest = (key: string, by: PersonKey, daysBefore: number, note: string): AttestationSpec => ({
  key,
  by,
  daysBefore,
  note,
});
const sign = (
  by: PersonKey,
  daysBefore: number,
  decision: Decision,
  comment: string,
  conditions?: ConditionSpec[],
): SignOffSpec => ({ by, daysBefore, decision, comment, conditions });

/** One per past promotion of db/demo.ts, in the order they were opened. */
// prettier-ignore
const PAST_REVIEWS: PastReviewSpec[] = [
  {
    project: "sparePartsDemand", to: "pilot", openedBy: "ines", openedDaysBefore: 16,
    attestations: [
      attest("ml_engineer_on_team", "lena", 13, "Lena Novak (data platform) builds and runs the forecast pipeline with Inês."),
      attest("data_access_quality_assessed", "lena", 12, "Nightly ERP consumption extract, five years; gaps in the lead-time master data are documented."),
      attest("privacy_security_reviewed", "jonas", 11, "No personal data: parts and warehouse data only. ERP access through a read-only technical user."),
    ],
    signOffs: [
      sign("jonas", 6, "approve", "Read-only ERP access is in place; the pilot runs on the analytics cluster."),
      sign("ines", 5, "approve", "Backtest WMAPE 21 % on the fast movers; ready for a pilot in the central warehouse."),
      sign("carlos", 3, "approve", "The central warehouse's planners will use the forecast for twelve weeks."),
    ],
  },
  {
    project: "invoiceOcr", to: "pilot", openedBy: "hiro", openedDaysBefore: 18,
    attestations: [
      attest("ml_engineer_on_team", "hiro", 15, "Hiro Tanaka (data engineer) builds the extraction pipeline."),
      attest("data_access_quality_assessed", "ines", 14, "Twelve months of invoices from the document system; 9 % low-quality scans flagged."),
      attest("privacy_security_reviewed", "kemal", 12, "Security review passed; invoices stay in the accounts-payable share. A full privacy impact assessment follows during the pilot."),
    ],
    signOffs: [
      sign("kemal", 8, "approve", "Access limited to the AP role; approved for a pilot on one supplier group."),
      sign("hiro", 7, "approve", "Header accuracy 96.4 % on the sample; the pilot pipeline is ready."),
      sign("elif", 4, "approve", "Two AP clerks will check every proposal during the pilot."),
    ],
  },
  {
    project: "invoiceOcr", to: "production", openedBy: "elif", openedDaysBefore: 22,
    attestations: [
      attest("target_environment_ready", "jonas", 18, "The extraction service runs in the application cluster; it reaches the OCR engine over the internal network."),
      attest("monitoring_operations_owner", "jonas", 16, "Queue-length and extraction-error dashboards; the AP application team is the operations owner."),
      attest("data_governance", "hiro", 15, "Elif Yıldız's AP team owns the invoice data; extraction-confidence checks run on every batch."),
    ],
    signOffs: [
      sign("jonas", 7, "approve", "Runs in the application cluster with monitoring; the OCR licence issue is tracked as debt with a plan."),
      sign("ines", 6, "approve", "Pilot: 96 % header accuracy, 87 % of G/L proposals accepted, 72 % straight through."),
      sign("elif", 4, "approve", "Accounts payable wants it for all invoices from next month."),
    ],
  },
  {
    project: "weldInspection", to: "pilot", openedBy: "ines", openedDaysBefore: 16,
    attestations: [
      attest("ml_engineer_on_team", "ines", 14, "Inês Duarte builds the image pipeline; the platform team's data engineers support the camera ingest."),
      attest("data_access_quality_assessed", "mateo", 9, "Camera images stay on the cell PC for 30 days; 2,400 labelled seams from the quality lab; access agreed with the plant manager."),
      attest("privacy_security_reviewed", "jonas", 8, "No personal data: the camera sees only the part. The workstation is on the plant VLAN behind the firewall."),
    ],
    signOffs: [
      sign("mateo", 12, "changes_requested", "The lab workstation must be on the plant VLAN with a UPS, not on Wi-Fi, and data access at the cell is not assessed yet."),
      sign("mateo", 6, "approve", "Workstation moved to the plant VLAN with a UPS; approved for the pilot."),
      sign("ines", 5, "approve", "93 % of faulty seams flagged at 1.6 % false rejects on the test set."),
      sign("brigitte", 3, "approve", "The welding cell's shift leads will confirm every flag during the pilot."),
    ],
  },
  {
    project: "sparePartsDemand", to: "production", openedBy: "carlos", openedDaysBefore: 22,
    attestations: [
      attest("target_environment_ready", "jonas", 18, "The forecast job runs in the production scheduler on the data platform; the ERP forecast interface is transported to production."),
      attest("monitoring_operations_owner", "lena", 17, "Job-runtime and forecast-error dashboards; Jonas Berger's operations team is on call."),
      attest("data_governance", "ines", 16, "Carlos Mendes's planning team owns the consumption data; completeness checks run before every forecast."),
    ],
    signOffs: [
      sign("lena", 8, "approve_with_conditions", "Approved, on condition that the service desk gets the runbook before the first quarter-end run.", [
        { title: "Hand the forecast job's runbook to the service desk", register: "organizational", targetInDays: 45,
          repaid: { daysAfter: 30, note: "Runbook handed over and walked through with the service desk." } },
      ]),
      sign("ines", 7, "approve", "Pilot: WMAPE 22 % and fill rate 97.3 % in the central warehouse over twelve weeks."),
      sign("carlos", 5, "approve", "Safety stock in the pilot warehouse fell 16 %; roll out to all three."),
    ],
  },
  {
    project: "churn", to: "pilot", openedBy: "ines", openedDaysBefore: 15,
    attestations: [
      attest("ml_engineer_on_team", "lena", 13, "Lena Novak (data platform engineering) builds the scoring pipeline with the data scientists."),
      attest("data_access_quality_assessed", "ines", 11, "CRM extract and contract table profiled: 4 % of contracts lack a renewal date; documented."),
      attest("privacy_security_reviewed", "kemal", 9, "The data-protection officer approved the purpose; customer ids only; no contact data leaves the CRM tenant."),
    ],
    signOffs: [
      sign("kemal", 6, "approve", "Security review passed; the pilot runs in the EU tenant."),
      sign("ines", 5, "approve", "The backtest holds on the last two quarters; ready for a pilot with two account-manager teams."),
      sign("dana", 3, "approve", "Two account-manager teams will call the top-50 list for three months."),
    ],
  },
  {
    project: "pressLine3", to: "pilot", openedBy: "farid", openedDaysBefore: 16,
    attestations: [
      attest("ml_engineer_on_team", "grace", 12, "Grace Okafor (ML engineer) joined to build the pilot scoring service."),
      attest("data_access_quality_assessed", "hiro", 11, "Historian access for the line 3 sensors; dropouts and duplicates profiled on 18 months of data (3 % dropouts)."),
      attest("privacy_security_reviewed", "mateo", 10, "Machine data only, no personal data; the historian is read through the plant DMZ with a read-only account."),
    ],
    signOffs: [
      sign("mateo", 7, "approve", "Read-only access through the plant DMZ works; the pilot may run on the lab server."),
      sign("farid", 6, "approve", "Backtest precision 0.83, recall 0.64, median lead time 61 h: ready to pilot on line 3."),
      sign("brigitte", 4, "approve", "The line 3 maintenance planners agreed to act on the alarms during the pilot."),
    ],
  },
];

// ---------------------------------------------------------------- the seeding

type Ctx = {
  tx: Tx;
  now: number;
  seed: DemoSeed;
  timeline: Timeline;
  requirementHistory: Map<number, RequirementHistory>;
  names: Map<number, string>;
};

function user(ctx: Ctx, key: PersonKey) {
  return ctx.seed.users[key];
}

function membersAt(project: DemoProject, at: number): GateFacts["members"] {
  return project.members
    .filter((m) => m.joinedAt <= at)
    .map((m) => ({ userId: m.userId, discipline: m.discipline }));
}

/** The person's discipline on the project at `at`; refuses a non-member or a wrong discipline. */
function memberOf(
  ctx: Ctx,
  project: DemoProject,
  person: PersonKey,
  at: number,
  allowed: readonly Discipline[],
  what: string,
): Discipline {
  const id = user(ctx, person).id;
  const membership = project.members.find((m) => m.userId === id);
  if (!membership || membership.joinedAt > at) fail(`${person} is not on ${project.slug} when ${what}`);
  if (!allowed.includes(membership.discipline)) {
    fail(`${person} (${membership.discipline}) may not ${what} on ${project.slug}`);
  }
  if (at >= ctx.now) fail(`${what} on ${project.slug} is in the future`);
  return membership.discipline;
}

const snapshotOf = (r: RequirementState) => ({
  title: r.title,
  description: r.description,
  target: r.target,
  priority: r.priority,
  status: r.status,
  feasibility: r.feasibility,
  feasibilityNote: r.feasibilityNote,
  conditions: r.conditions,
  version: r.version,
});

function seedRequirements(ctx: Ctx, key: ProjectKey): Map<string, number> {
  const { tx, now, timeline } = ctx;
  const project = ctx.seed.projects[key];
  const refs = new Map<string, number>();
  REQUIREMENTS[key].forEach((spec, i) => {
    const createdAt = now - spec.daysAgo * DAY - jitter(`req:${key}:${i}`);
    if (createdAt <= project.createdAt) fail(`a requirement of ${key} predates the project`);
    memberOf(ctx, project, spec.by, createdAt, ["business"], "state a requirement");
    const stated: Omit<RequirementState, "id"> = {
      title: spec.title,
      description: spec.description,
      target: spec.target,
      priority: spec.priority,
      status: "active",
      feasibility: "unassessed",
      conditions: null,
      feasibilityNote: null,
      version: 1,
    };
    let assessedAt: number | null = null;
    let assessedById: number | null = null;
    let assessed: Omit<RequirementState, "id"> | null = null;
    if (spec.assess) {
      const a = spec.assess;
      assessedAt = now - a.daysAgo * DAY - jitter(`assess:${key}:${i}`);
      if (assessedAt <= createdAt) fail(`“${spec.title}” assessed before it was stated`);
      memberOf(ctx, project, a.by, assessedAt, ["it", "data_science"], "assess a requirement");
      if (a.feasibility !== "feasible" && !a.conditions) fail(`“${spec.title}” needs conditions or a reason`);
      assessedById = user(ctx, a.by).id;
      assessed = {
        ...stated,
        feasibility: a.feasibility,
        feasibilityNote: a.note || null,
        conditions: a.feasibility === "feasible" ? null : (a.conditions ?? null),
        version: 2,
      };
    }
    const current = assessed ?? stated;
    const row = tx
      .insert(requirements)
      .values({
        projectId: project.id,
        title: current.title,
        description: current.description,
        target: current.target,
        priority: current.priority,
        status: current.status,
        feasibility: current.feasibility,
        feasibilityNote: current.feasibilityNote,
        conditions: current.conditions,
        assessedById,
        assessedAt,
        createdById: user(ctx, spec.by).id,
        createdAt,
        updatedAt: assessedAt ?? createdAt,
        version: current.version,
      })
      .returning({ id: requirements.id })
      .get();
    if (spec.ref) refs.set(spec.ref, row.id);
    const versions: RequirementHistory["versions"] = [{ at: createdAt, state: { id: row.id, ...stated } }];
    const base = { projectId: project.id, entityType: "requirement", entityId: row.id } as const;
    const author = user(ctx, spec.by);
    timeline.add({
      ...base,
      at: createdAt,
      actorId: author.id,
      action: "requirement.created",
      summary: `${author.name} stated “${spec.title}” (${priorityLabel[spec.priority]}: ${spec.target})`,
      after: snapshotOf({ id: row.id, ...stated }),
    });
    if (assessed && assessedAt !== null && spec.assess) {
      versions.push({ at: assessedAt, state: { id: row.id, ...assessed } });
      const assessor = user(ctx, spec.assess.by);
      timeline.add({
        ...base,
        at: assessedAt,
        actorId: assessor.id,
        action: "requirement.assessed",
        summary: `${assessor.name} assessed “${spec.title}” as ${feasibilityLabel[assessed.feasibility].toLowerCase()}`,
        before: snapshotOf({ id: row.id, ...stated }),
        after: snapshotOf({ id: row.id, ...assessed }),
      });
    }
    ctx.requirementHistory.set(row.id, { projectId: project.id, versions });
  });
  return refs;
}

/**
 * Business revises a requirement's target after it was assessed: the assessment is reset,
 * as app/models/requirements.server.ts updateRequirement does, with its activity row.
 */
function reviseRequirement(
  ctx: Ctx,
  key: ProjectKey,
  requirementId: number,
  change: { by: PersonKey; at: number; target: string },
) {
  const project = ctx.seed.projects[key];
  const history = ctx.requirementHistory.get(requirementId) ?? fail(`no requirement ${requirementId}`);
  const last = history.versions[history.versions.length - 1];
  if (change.at <= last.at) fail(`requirement ${requirementId} revised before its last change`);
  memberOf(ctx, project, change.by, change.at, ["business"], "revise a requirement");
  const before = last.state;
  const reset = before.feasibility !== "unassessed" && before.target !== change.target;
  const after: RequirementState = {
    ...before,
    target: change.target,
    ...(reset ? { feasibility: "unassessed" as const, feasibilityNote: null, conditions: null } : {}),
    version: before.version + 1,
  };
  ctx.tx
    .update(requirements)
    .set({
      target: after.target,
      ...(reset
        ? { feasibility: "unassessed" as const, feasibilityNote: null, conditions: null, assessedById: null, assessedAt: null }
        : {}),
      updatedAt: change.at,
      version: sql`${requirements.version} + 1`,
    })
    .where(eq(requirements.id, requirementId))
    .run();
  history.versions.push({ at: change.at, state: after });
  const actor = user(ctx, change.by);
  ctx.timeline.add({
    at: change.at,
    actorId: actor.id,
    projectId: project.id,
    entityType: "requirement",
    entityId: requirementId,
    action: "requirement.updated",
    summary:
      `${actor.name} revised “${after.title}”` +
      (reset ? `; its assessment (${feasibilityLabel[before.feasibility]}) was reset` : ""),
    before: snapshotOf(before),
    after: snapshotOf(after),
  });
}

// ---------------------------------------------------------------- content at an instant

function requirementsAt(ctx: Ctx, projectId: number, at: number): RequirementFact[] {
  const facts: RequirementFact[] = [];
  for (const history of ctx.requirementHistory.values()) {
    if (history.projectId !== projectId) continue;
    const state = history.versions.filter((v) => v.at <= at).at(-1)?.state;
    if (state) {
      const { version: _version, ...fact } = state;
      facts.push(fact);
    }
  }
  return facts.sort((a, b) => a.id - b.id);
}

/**
 * The open debt of a project at `at`, in the shape of gateDebtFacts: items opened by then
 * and not yet repaid; steps added by then, done if done by then; `repaying` once a step was
 * done. Plans are taken as they are now: the demo writes them on the day an item is logged.
 * Accepted items are left out whenever they were accepted (see below).
 */
function debtAt(ctx: Ctx, projectId: number, at: number): GateDebtFact[] {
  const items = ctx.tx
    .select()
    .from(debtItems)
    .where(eq(debtItems.projectId, projectId))
    .orderBy(asc(debtItems.id))
    .all();
  const steps = ctx.tx
    .select({
      itemId: repaymentSteps.debtItemId,
      id: repaymentSteps.id,
      title: repaymentSteps.title,
      ownerId: repaymentSteps.ownerId,
      dueDate: repaymentSteps.dueDate,
      doneAt: repaymentSteps.doneAt,
      createdAt: repaymentSteps.createdAt,
    })
    .from(repaymentSteps)
    .innerJoin(debtItems, eq(debtItems.id, repaymentSteps.debtItemId))
    .where(eq(debtItems.projectId, projectId))
    .orderBy(asc(repaymentSteps.debtItemId), asc(repaymentSteps.position), asc(repaymentSteps.id))
    .all();
  const facts: GateDebtFact[] = [];
  for (const item of items) {
    if (item.openedAt > at) continue;
    if (item.status === "repaid" && item.repaidAt != null && item.repaidAt <= at) continue;
    // The demo debt records no plan for the items it later accepts (a deliberate "we live with
    // it" from the start), so they count as settled from the day they were logged.
    if (item.status === "accepted") continue;
    const own = steps
      .filter((s) => s.itemId === item.id && s.createdAt <= at)
      .map((s) => ({ id: s.id, title: s.title, ownerId: s.ownerId, dueDate: s.dueDate, done: s.doneAt != null && s.doneAt <= at }));
    facts.push({
      id: item.id,
      register: item.register,
      title: item.title,
      status: own.some((s) => s.done) ? "repaying" : "open",
      severity: item.severity,
      ownerId: item.ownerId,
      strategy: item.strategy,
      targetDate: item.targetDate,
      repayBeforeStage: item.repayBeforeStage,
      principalDays: item.principalDays,
      interestDays: item.interestDays,
      stepCount: own.length,
      steps: own,
    });
  }
  return facts;
}

type CriterionRow = CriterionDefinition & {
  id: number;
  position: number;
  attestedById: number | null;
  attestedAt: number | null;
  attestationNote: string | null;
  attestedByName: string | null;
};

/** Criteria as they stood at `at`: attestations ticked later count as not ticked. */
function criteriaAt(criteria: CriterionRow[], at: number): CriterionRow[] {
  return criteria.map((c) =>
    c.attestedAt != null && c.attestedAt <= at
      ? c
      : { ...c, attestedById: null, attestedAt: null, attestationNote: null, attestedByName: null },
  );
}

function contentAt(ctx: Ctx, project: DemoProject, criteria: CriterionRow[], at: number) {
  const reqs = requirementsAt(ctx, project.id, at);
  const debt = debtAt(ctx, project.id, at);
  const crit = criteriaAt(criteria, at);
  const fingerprint = gateFingerprint({
    requirements: reqs,
    attestations: crit
      .filter((c) => c.kind === "attestation")
      .map((c) => ({ key: c.key, attestedById: c.attestedById, note: c.attestationNote })),
    debtItems: debt,
  });
  const facts: GateFacts = { requirements: reqs, members: membersAt(project, at), debtItems: debt };
  return { reqs, debt, criteria: crit, facts, fingerprint };
}

// ---------------------------------------------------------------- reviews

function insertReview(
  ctx: Ctx,
  project: DemoProject,
  from: Stage,
  to: "pilot" | "production",
  openedBy: PersonKey,
  openedAt: number,
): number {
  memberOf(ctx, project, openedBy, openedAt, DISCIPLINES, "open a gate review");
  const opener = user(ctx, openedBy);
  const review = ctx.tx
    .insert(gateReviews)
    .values({ projectId: project.id, fromStage: from, targetStage: to, openedById: opener.id, openedAt })
    .returning({ id: gateReviews.id })
    .get();
  ctx.timeline.add({
    at: openedAt,
    actorId: opener.id,
    projectId: project.id,
    entityType: "gate_review",
    entityId: review.id,
    action: "gate.review_opened",
    summary: `${opener.name} opened a gate review: ${stageShortLabel[from]} → ${stageShortLabel[to]}`,
    after: { reviewId: review.id, fromStage: from, targetStage: to, criteria: DEFAULT_CRITERIA[to].map((c) => c.key) },
  });
  return review.id;
}

/** The review's criteria copied from the default checklist, with the given attestations ticked. */
function insertCriteria(
  ctx: Ctx,
  project: DemoProject,
  reviewId: number,
  to: "pilot" | "production",
  attestations: { key: string; by: PersonKey; at: number; note: string }[],
  openedAt: number,
): CriterionRow[] {
  const rows: CriterionRow[] = [];
  DEFAULT_CRITERIA[to].forEach((definition, position) => {
    const a = attestations.find((x) => x.key === definition.key);
    if (a && definition.kind !== "attestation") fail(`${definition.key} is not an attestation`);
    if (a && a.at <= openedAt) fail(`${definition.key} attested before the review was opened`);
    if (a) {
      memberOf(ctx, project, a.by, a.at, definition.discipline ? [definition.discipline] : DISCIPLINES, `attest ${definition.key}`);
    }
    const attester = a ? user(ctx, a.by) : null;
    const values = {
      reviewId,
      key: definition.key,
      label: definition.label,
      kind: definition.kind,
      discipline: definition.discipline,
      position,
      attestedById: attester?.id ?? null,
      attestedAt: a?.at ?? null,
      attestationNote: a?.note ?? null,
    };
    const row = ctx.tx.insert(gateCriteria).values(values).returning({ id: gateCriteria.id }).get();
    rows.push({ ...definition, ...values, id: row.id, attestedByName: attester?.name ?? null });
    if (a && attester) {
      ctx.timeline.add({
        at: a.at,
        actorId: attester.id,
        projectId: project.id,
        entityType: "gate_criterion",
        entityId: row.id,
        action: "gate.attested",
        summary: `${attester.name} attested “${definition.label}”`,
        before: { attestedById: null, note: null },
        after: { attestedById: attester.id, note: a.note },
      });
    }
  });
  for (const a of attestations) {
    if (!rows.some((r) => r.key === a.key)) fail(`no criterion ${a.key} on the gate to ${to}`);
  }
  return rows;
}

type SignedOff = SignOffState & { id: number; signedAt: number; status: "current" | "superseded" };

/**
 * Writes one sign-off as app/models/gate-signoffs.server.ts signOff does: the previous current one of
 * that discipline is superseded, conditions become debt items linked by sign_off_id, and the
 * fingerprint is taken after the conditions exist (`fingerprintAt` computes it).
 */
function insertSignOff(
  ctx: Ctx,
  project: DemoProject,
  review: { id: number; targetStage: Stage; fromStage: Stage },
  spec: SignOffSpec,
  signedAt: number,
  earlier: SignedOff[],
  fingerprintNow: () => string,
): SignedOff {
  const { tx } = ctx;
  const discipline = memberOf(ctx, project, spec.by, signedAt, DISCIPLINES, "sign off");
  const signer = user(ctx, spec.by);
  if (spec.decision === "changes_requested" && !spec.comment.trim()) fail("changes requested without a comment");
  if (spec.decision === "approve_with_conditions" && !spec.conditions?.length) fail("conditions missing");
  const previous = earlier.find((s) => s.discipline === discipline && s.status === "current");
  if (previous) {
    if (previous.signedAt >= signedAt) fail("sign-offs out of order");
    tx.update(signOffs).set({ status: "superseded", endedAt: signedAt }).where(eq(signOffs.id, previous.id)).run();
    previous.status = "superseded";
  }
  const created = tx
    .insert(signOffs)
    .values({
      reviewId: review.id,
      discipline,
      userId: signer.id,
      decision: spec.decision,
      comment: spec.comment.trim(),
      fingerprint: "pending",
      signedAt,
    })
    .returning({ id: signOffs.id })
    .get();
  const conditionIds = (spec.conditions ?? []).map((c) => {
    const itemId = insertConditionDebtItem(tx, {
      projectId: project.id,
      register: c.register,
      title: c.title,
      ownerId: signer.id,
      targetDate: addDays(utcDate(signedAt), c.targetInDays),
      repayBeforeStage: review.targetStage === "production" ? null : review.targetStage === "pilot" ? "production" : null,
      signOffId: created.id,
      createdById: signer.id,
      stageIncurred: review.fromStage,
      now: signedAt,
    });
    if (c.repaid) {
      const repaidAt = signedAt + c.repaid.daysAfter * DAY + jitter(`repaid:${itemId}`);
      if (repaidAt >= ctx.now) fail(`condition “${c.title}” repaid in the future`);
      tx.update(debtItems)
        .set({ status: "repaid", statusNote: c.repaid.note, repaidAt, updatedAt: repaidAt, version: 2 })
        .where(eq(debtItems.id, itemId))
        .run();
      const keys = { statusNote: null, repaidAt: null, acceptedJustification: null, acceptedReviewDate: null };
      ctx.timeline.add({
        at: repaidAt,
        actorId: signer.id,
        projectId: project.id,
        entityType: "debt_item",
        entityId: itemId,
        action: "debt.status_changed",
        summary: `${signer.name} marked “${c.title}” ${debtStatusLabel.repaid.toLowerCase()}: ${c.repaid.note}`,
        before: { status: "open", ...keys },
        after: { ...keys, status: "repaid", statusNote: c.repaid.note, repaidAt },
      });
    }
    return itemId;
  });
  const fingerprint = fingerprintNow();
  tx.update(signOffs).set({ fingerprint }).where(eq(signOffs.id, created.id)).run();
  const comment = spec.comment.trim();
  ctx.timeline.add({
    at: signedAt,
    actorId: signer.id,
    projectId: project.id,
    entityType: "sign_off",
    entityId: created.id,
    action: "gate.signed_off",
    summary:
      `${signer.name} signed for ${disciplineLabel[discipline]}: ${decisionLabel[spec.decision].toLowerCase()}` +
      (conditionIds.length ? ` (${conditionIds.length} condition${conditionIds.length > 1 ? "s" : ""} logged as debt)` : ""),
    before: previous ? { signOffId: previous.id, decision: previous.decision, userId: previous.userId } : undefined,
    after: { reviewId: review.id, discipline, decision: spec.decision, comment, fingerprint, conditionDebtItemIds: conditionIds },
  });
  return {
    id: created.id,
    discipline,
    userId: signer.id,
    userName: signer.name,
    decision: spec.decision,
    fingerprint,
    signedAt,
    status: "current",
  };
}

function seedPastReview(ctx: Ctx, spec: PastReviewSpec): number {
  const { tx } = ctx;
  const project = ctx.seed.projects[spec.project];
  const promotion =
    project.promotions.find((p) => p.to === spec.to) ?? fail(`${spec.project} was never promoted to ${spec.to}`);
  const target = promotion.to as "pilot" | "production";
  const closedAt = promotion.at;
  const before = (days: number, label: string) => closedAt - days * DAY - jitter(`${spec.project}:${target}:${label}`);
  const openedAt = before(spec.openedDaysBefore, "opened");
  const stageEnteredAt = project.promotions[project.promotions.indexOf(promotion) - 1]?.at ?? project.createdAt;
  if (openedAt <= stageEnteredAt) fail(`review of ${spec.project} opened before it reached ${promotion.from}`);

  const reviewId = insertReview(ctx, project, promotion.from, target, spec.openedBy, openedAt);
  const attestations = spec.attestations.map((a) => ({ ...a, at: before(a.daysBefore, `attest:${a.key}`) }));
  const criteria = insertCriteria(ctx, project, reviewId, target, attestations, openedAt);
  const review = { id: reviewId, targetStage: target, fromStage: promotion.from };

  const given: SignedOff[] = [];
  for (const [i, s] of spec.signOffs.entries()) {
    const signedAt = before(s.daysBefore, `sign:${i}`);
    if (signedAt <= openedAt || signedAt >= closedAt) fail(`a sign-off of ${spec.project} lies outside its review`);
    given.push(
      insertSignOff(ctx, project, review, s, signedAt, given, () => contentAt(ctx, project, criteria, signedAt).fingerprint),
    );
  }

  // The review as it stood at the instant of promotion: it must have been promotable.
  const closing = contentAt(ctx, project, criteria, closedAt);
  const evaluated = evaluateCriteria(closing.criteria, closing.facts);
  const current = given.filter((s) => s.status === "current");
  const panels = DISCIPLINES.map((discipline) => {
    const s = current.find((x) => x.discipline === discipline);
    return { discipline, status: s ? signOffStatus(s, closing.fingerprint, closing.facts.members) : ("missing" as const) };
  });
  const blockers = promotionBlockers({
    criteria: evaluated,
    signOffs: current,
    currentFingerprint: closing.fingerprint,
    members: closing.facts.members,
  });
  if (blockers.length) fail(`${spec.project} could not have been promoted to ${target}: ${blockers.join(" | ")}`);
  const closingSnapshot = {
    fingerprint: closing.fingerprint,
    criteria: evaluated.map((c) => ({
      key: c.key,
      label: c.label,
      kind: c.kind,
      met: c.met,
      detail: c.detail,
      attestedByName: c.attestedByName,
      attestedAt: c.attestedAt,
      attestationNote: c.attestationNote,
    })),
    panels,
    blockers,
    requirements: closing.reqs.map((r) => ({
      id: r.id,
      title: r.title,
      description: r.description,
      target: r.target,
      priority: r.priority,
      status: r.status,
      feasibility: r.feasibility,
      conditions: r.conditions,
      feasibilityNote: r.feasibilityNote,
    })),
    debtItems: closing.debt,
  };
  tx.update(gateReviews)
    .set({
      status: "promoted",
      closedAt,
      closedById: promotion.byId,
      closingSnapshot: JSON.stringify(closingSnapshot),
      version: 2,
    })
    .where(eq(gateReviews.id, reviewId))
    .run();

  // The promotion's activity row (queued by db/demo.ts) names its review, as `promote` writes it.
  const promoter = ctx.names.get(promotion.byId) ?? "Someone";
  promotion.activity.after.reviewId = reviewId;
  promotion.activity.summary = `${promoter} promoted ${project.name} to ${stageShortLabel[target]} (gate review #${reviewId})`;
  return reviewId;
}

/** Checks the reconstruction of "content at an instant" against the model on today's content. */
function checkAgainstModel(ctx: Ctx, project: DemoProject, reviewId: number, criteria: CriterionRow[]) {
  const live = currentFingerprint(reviewId, ctx.tx);
  const rebuilt = contentAt(ctx, project, criteria, ctx.now).fingerprint;
  if (live !== rebuilt) fail(`the reconstructed gate content of ${project.slug} differs from the model's`);
  const debt = JSON.stringify(gateDebtFacts(project.id, ctx.tx));
  if (debt !== JSON.stringify(debtAt(ctx, project.id, ctx.now))) fail(`the reconstructed debt of ${project.slug} differs`);
}

/** Press line 3, pilot -> production: business and data science approved, IT has not signed. */
function seedPressLineOpenReview(ctx: Ctx): number {
  const project = ctx.seed.projects.pressLine3;
  const ago = (days: number, label: string) => ctx.now - days * DAY - jitter(`open:pressLine3:${label}`);
  const openedAt = ago(18, "opened");
  const reviewId = insertReview(ctx, project, "pilot", "production", "farid", openedAt);
  const criteria = insertCriteria(
    ctx,
    project,
    reviewId,
    "production",
    [
      {
        key: "monitoring_operations_owner",
        by: "jonas",
        at: ago(13, "attest:monitoring"),
        note: "The pilot scoring service has alarm-rate and data-drift dashboards with on-call paging; Jonas Berger (IT operations) is the operations owner.",
      },
    ],
    openedAt,
  );
  const review = { id: reviewId, targetStage: "production" as Stage, fromStage: "pilot" as Stage };
  const given: SignedOff[] = [];
  const live = () => currentFingerprint(reviewId, ctx.tx);
  given.push(
    insertSignOff(
      ctx,
      project,
      review,
      sign("brigitte", 9, "approve", "Six months of pilot: the alarms warned of 7 of the last 10 failures at least two days ahead. The planners want it on all presses of line 3."),
      ago(9, "sign:business"),
      given,
      live,
    ),
  );
  given.push(
    insertSignOff(
      ctx,
      project,
      review,
      sign("farid", 7, "approve", "Pilot precision 0.83, recall 0.64, median lead time 61 h; retraining runs monthly in the platform scheduler."),
      ago(7, "sign:data_science"),
      given,
      live,
    ),
  );
  checkAgainstModel(ctx, project, reviewId, criteria);
  return reviewId;
}

/**
 * Customer churn, pilot -> production: data science signed; afterwards business revised the
 * call-list requirement (its assessment was reset), so that sign-off is stale; business then
 * approved and IT asked for changes on the current content.
 */
function seedChurnOpenReview(ctx: Ctx, refs: Map<string, number>): number {
  const project = ctx.seed.projects.churn;
  const ago = (days: number, label: string) => ctx.now - days * DAY - jitter(`open:churn:${label}`);
  const openedAt = ago(24, "opened");
  const reviewId = insertReview(ctx, project, "pilot", "production", "ines", openedAt);
  const criteria = insertCriteria(
    ctx,
    project,
    reviewId,
    "production",
    [
      {
        key: "target_environment_ready",
        by: "kemal",
        at: ago(20, "attest:environment"),
        note: "The scoring container runs in the EU CRM tenant's managed Kubernetes namespace; images are scanned on every build.",
      },
    ],
    openedAt,
  );
  const review = { id: reviewId, targetStage: "production" as Stage, fromStage: "pilot" as Stage };
  const given: SignedOff[] = [];
  const live = () => currentFingerprint(reviewId, ctx.tx);
  given.push(
    insertSignOff(
      ctx,
      project,
      review,
      sign("ines", 16, "approve", "Pilot: the two teams' top-50 lists held 46 % of the customers who later gave notice; model and features are ready."),
      ago(16, "sign:data_science"),
      given,
      live,
    ),
  );
  // Business changes what the call list must achieve: the signed content no longer holds.
  reviseRequirement(ctx, "churn", refs.get("churn-call-list") ?? fail("no call-list requirement"), {
    by: "dana",
    at: ago(9, "revise:call-list"),
    target: "Top-80 list delivered 120 days before each renewal date",
  });
  given.push(
    insertSignOff(
      ctx,
      project,
      review,
      sign("dana", 8, "approve", "The pilot teams kept 9 contracts they expected to lose. Sales wants the longer list and more lead time from the start."),
      ago(8, "sign:business"),
      given,
      live,
    ),
  );
  given.push(
    insertSignOff(
      ctx,
      project,
      review,
      sign("lena", 5, "changes_requested", "The revised call list needs contract-end dates 120 days ahead; the CRM extract carries only 90. Please assess the revised requirement first."),
      ago(5, "sign:it"),
      given,
      live,
    ),
  );
  checkAgainstModel(ctx, project, reviewId, criteria);
  return reviewId;
}

export type DemoGates = {
  requirementIds: number[];
  promotedReviewIds: number[];
  openReviewIds: { pressLine3: number; churn: number };
};

/**
 * Requirements for every demo project, the promoted review behind every past promotion, and
 * the two open reviews. Call it inside seedDemo's transaction after the projects (and the
 * debt, so that fingerprints include it) and before `timeline.write`.
 */
export function seedDemoGates(tx: Tx, seed: DemoSeed, timeline: Timeline): DemoGates {
  const people = tx.select({ id: users.id, name: users.name, createdAt: users.createdAt }).from(users).all();
  const ctx: Ctx = {
    tx,
    now: seed.now,
    seed,
    timeline,
    requirementHistory: new Map(),
    names: new Map(people.map((p) => [p.id, p.name])),
  };


  let refs = new Map<string, number>();
  for (const key of Object.keys(REQUIREMENTS) as ProjectKey[]) {
    refs = new Map([...refs, ...seedRequirements(ctx, key)]);
  }

  const promotedReviewIds: number[] = [];
  for (const spec of PAST_REVIEWS) promotedReviewIds.push(seedPastReview(ctx, spec));
  for (const key of Object.keys(seed.projects) as ProjectKey[]) {
    for (const p of seed.projects[key].promotions) {
      if (p.activity.after.reviewId === undefined) fail(`${key}'s promotion to ${p.to} has no gate review`);
    }
  }

  // In the order they were opened, so review ids follow time.
  const churn = seedChurnOpenReview(ctx, refs);
  const pressLine3 = seedPressLineOpenReview(ctx);

  return {
    requirementIds: [...ctx.requirementHistory.keys()],
    promotedReviewIds,
    openReviewIds: { pressLine3, churn },
  };
}

/** For the README and tests: what the open reviews look like (no I/O). */
export const DEMO_GATE_STORY = {
  mismatch: { project: "oeeDashboard" as ProjectKey, requirement: "Figures refreshed every 15 minutes" },
  openTwoOfThree: { project: "pressLine3" as ProjectKey, approved: ["business", "data_science"], missing: "it" },
  openStale: { project: "churn" as ProjectKey, stale: "data_science", revised: "Call list ready before the renewal window" },
} as const;
