/**
 * Demo requirements and gate reviews: every demo project gets requirements with measurable
 * targets and a verdict from each of IT operations and data science (docs/domain.md,
 * "Feasibility"); every past promotion of app/demo/demo.ts gets the promoted gate review that
 * allowed it; and two reviews are open now (DEMO_GATE_STORY below):
 * - press line 3, pilot -> production: business approved; data science approved, then a data
 *   scientist updated data science's conditions on a requirement, so that approval is stale
 *   for data science only (business signed after the change); IT operations has not signed.
 * - customer churn, pilot -> production: the owner dismissed an IT security objection with a
 *   reason; business then revised a requirement (both verdicts reset), so data science's
 *   earlier approval is stale; business approved and IT asked for changes on the revised
 *   content, and the team discusses that request in the review's conversation (a reply to it
 *   and a comment with @mentions).
 * The on-hold OEE PoC has the requirement where the two disciplines disagree (IT operations:
 * infeasible, with the reason; data science: feasible).
 *
 * Rows are written directly with `tx.insert` inside the demo's one transaction (the models'
 * own functions open transactions of their own); every event gets the activity row the model
 * would write, dated in the past, through the demo's `Timeline`.
 *
 * Past reviews are evaluated on the gate content **as it stood then**: requirements from their
 * own history here, debt items reconstructed from their dates (opened, steps done, repaid;
 * accepted items are left out, see debtAt), members from their joining dates, attestations
 * from when they were ticked. Each sign-off stores the fingerprint and snapshot of its own
 * discipline's view (app/domain/concerns.ts) at signing, computed with the same domain
 * functions the model uses (disciplineView, viewFingerprint, evaluateCriteria,
 * disciplinePanel, promotionBlockers); a promoted review whose criteria or approvals would
 * not all hold at the instant of promotion is refused here. Open reviews take their views
 * from the model's own `currentViews(reviewId, tx)`, checked against the reconstruction at
 * the instant of signing and again today.
 *
 * Deterministic: all times are offsets from `now` (or from a promotion) with a stable
 * minute-of-day jitter; no randomness.
 */
import { asc, eq } from "drizzle-orm";
import type { Tx } from "../../db/client.server";
import {
  debtItems,
  gateCriteria,
  gateReviews,
  repaymentSteps,
  requirements,
  reviewCommentMentions,
  reviewComments,
  signOffs,
  users,
} from "../../db/schema";
import { DISCIPLINES, type Decision, type Discipline, type Register, type Stage } from "~/domain/vocabulary";
import type { DemoProject, DemoSeed, PersonKey, ProjectKey, Timeline } from "~/demo/demo";
import { canonicalView, describeChanges, gateContentFrom, type DisciplineView } from "~/domain/concerns";
import { mentionTokens, resolveMentions } from "~/domain/comments";
import { combinedFeasibility } from "~/domain/feasibility";
import { disciplineViews, viewFingerprint } from "~/domain/fingerprint";
import {
  DEFAULT_CRITERIA,
  disciplinePanel,
  evaluateCriteria,
  promotionBlockers,
  type CriterionDefinition,
  type GateFacts,
  type SignOffState,
} from "~/domain/gates";
import { addDays, utcDate } from "~/domain/dates";
import {
  debtStatusLabel,
  decisionLabel,
  disciplineLabel,
  feasibilityLabel,
  priorityLabel,
  stageShortLabel,
} from "~/domain/labels";
import { currentViews } from "~/models/gates.server";
import { requiredApprovalsFor } from "~/models/gate-templates.server";
import { gateDebtFacts, insertConditionDebtItem, type GateDebtFact } from "~/models/debt.server";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

type Priority = "must" | "should" | "could";
type Assessed = "feasible" | "feasible_with_conditions" | "infeasible";
type Feasibility = "unassessed" | Assessed;
type VerdictDiscipline = "data_science" | "it";

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

/** One discipline's verdict; the discipline is the assessor's seat. */
type AssessSpec = { by: PersonKey; daysAgo: number; feasibility: Assessed; note: string; conditions?: string };

type RequirementSpec = {
  /** Referenced by the open-review stories (the revised one, the re-assessed one). */
  ref?: string;
  title: string;
  description: string;
  target: string;
  priority: Priority;
  by: PersonKey;
  daysAgo: number;
  assessments: AssessSpec[];
};

const req = (
  title: string,
  priority: Priority,
  target: string,
  description: string,
  by: PersonKey,
  daysAgo: number,
  assessments: AssessSpec[] = [],
  ref?: string,
): RequirementSpec => ({ title, priority, target, description, by, daysAgo, assessments, ref });

const assess = (
  by: PersonKey,
  daysAgo: number,
  feasibility: Assessed,
  note: string,
  conditions?: string,
): AssessSpec => ({ by, daysAgo, feasibility, note, conditions });

// prettier-ignore
const REQUIREMENTS: Record<ProjectKey, RequirementSpec[]> = {
  pressLine3: [
    req("Warn at least 48 h before a press failure", "must",
      "Median warning lead time ≥ 48 h on last year's press failures",
      "Planners need two shifts' notice to move a repair into a scheduled shift change.",
      "brigitte", 412, [
        assess("farid", 395, "feasible", "Backtest on the last two years: vibration-trend features give a median lead time of 61 h."),
        assess("mateo", 385, "feasible", "The historian already forwards the line 3 sensors to the data platform; a 48 h warning needs no faster path."),
      ]),
    req("Precision ≥ 0.8 on last year's failures", "must",
      "At least 8 in 10 alarms confirmed by a failure or an inspection finding, backtested on last year's 41 failures",
      "Below that, planners stop trusting the alarms and the business case does not hold.",
      "brigitte", 412, [
        assess("farid", 390, "feasible", "Backtest precision 0.83 at the 48 h horizon."),
        assess("jonas", 384, "feasible", "Nothing in operations limits precision; the scoring job fits on the pilot server."),
      ]),
    req("Catch at least 60 % of press failures", "must",
      "Recall ≥ 0.6 on last year's failures",
      "The saving in the business case assumes at least 60 % of unplanned stops become planned ones.",
      "brigitte", 411, [
        assess("farid", 388, "feasible_with_conditions", "Backtest recall 0.64 with all sensors.",
          "Needs the oil-pressure sensors of presses 3 and 4 retrofitted; without them recall drops to about 0.45."),
        assess("mateo", 383, "feasible_with_conditions", "Plant IT connects the new sensors to the historian.",
          "The retrofit needs a planned stop of presses 3 and 4; plant IT connects the sensors during that stop."),
      ], "press-recall"),
    req("Alarms arrive as work-order proposals", "should",
      "Each alarm creates a work-order proposal in SAP PM within 15 minutes",
      "Planners work in SAP PM; an alarm anywhere else gets missed on a busy shift.",
      "brigitte", 400, [
        assess("jonas", 370, "feasible_with_conditions", "The PM interface already takes proposals from the condition-monitoring system.",
          "Through the existing PM interface with a technical user; IT operations approves the interface change."),
        assess("farid", 366, "feasible", "Each alarm carries the press id and its top signals, which is all a proposal needs."),
      ]),
    req("Scores refreshed every hour from plant data", "should",
      "Scores at most 60 minutes old during production shifts",
      "A failure can develop within a shift; daily scores would come too late.",
      "brigitte", 398, [
        assess("mateo", 372, "feasible", "The plant historian forwards 15-minute batches to the data platform; hourly scoring fits the network."),
        assess("hiro", 368, "feasible", "Features for one hour of 15-minute batches compute in about 4 minutes."),
      ]),
    req("Planners see why an alarm was raised", "could",
      "Each alarm lists the three sensor signals that contributed most",
      "Helps the fitter decide what to check first.",
      "brigitte", 380, [
        assess("farid", 300, "feasible", "Per-alarm feature attributions are cheap for the gradient-boosted model."),
        assess("jonas", 296, "feasible", "The three signals fit in the work-order proposal's long text."),
      ]),
  ],
  sparePartsDemand: [
    req("Weekly forecast for every part and warehouse", "must",
      "Forecast for all 4,200 parts in the 3 warehouses, 12 weeks ahead, every Monday by 06:00",
      "The replenishment run needs a complete forecast; gaps fall back to manual planning.",
      "carlos", 694, [
        assess("lena", 680, "feasible", "A nightly ERP extract with five years of consumption is available on the data platform."),
        assess("ines", 676, "feasible", "Models per part family retrain for all 4,200 parts in about 40 minutes."),
      ]),
    req("Accurate on the fast movers", "must",
      "Weighted MAPE ≤ 25 % on the 500 fastest-moving parts over 12 weeks",
      "The fast movers carry most of the stock value.",
      "carlos", 694, [
        assess("ines", 640, "feasible", "Backtest WMAPE 21 % with gradient-boosted models per part family."),
        assess("jonas", 637, "feasible", "Only the weekly batch run to operate; nothing in IT operations limits accuracy."),
      ]),
    req("Keep the 97 % fill rate", "must",
      "Fill rate ≥ 97 % in each warehouse after safety stock is cut",
      "Cheaper stock is no saving if the lines wait for parts.",
      "carlos", 692, [
        assess("ines", 636, "feasible_with_conditions", "Simulated on last year's demand: 97.4 %.",
          "Planners keep overriding the forecast for promotions and phase-outs; slow movers stay on the reorder-point rule."),
        assess("lena", 634, "feasible", "Fill rates come from the ERP's standard stock report; no new interface is needed."),
      ]),
    req("Cut safety stock", "should",
      "Safety-stock value down ≥ 15 % within six months of go-live",
      "Frees about EUR 1.1M of tied-up capital.",
      "carlos", 692, [
        assess("ines", 630, "feasible", "The simulation shows 17 % at the same fill rate."),
        assess("lena", 628, "feasible", "The new safety stocks are written to the ERP material master by the weekly job."),
      ]),
    req("Feed the ERP replenishment run", "must",
      "Forecasts loaded into the ERP before the Monday 07:00 MRP run",
      "The forecast is only used if the MRP run picks it up automatically.",
      "carlos", 690, [
        assess("jonas", 620, "feasible_with_conditions", "Load time about 20 minutes.",
          "Through the ERP's standard forecast interface, no custom tables; needs a transport from ERP basis."),
        assess("ines", 618, "feasible", "The forecast is ready by 05:00, which leaves the load two hours."),
      ]),
  ],
  churn: [
    req("Risk score for every service-contract customer", "must",
      "All active contracts (about 2,300) scored by the 3rd working day of each month",
      "Account managers plan their calls at the start of the month.",
      "dana", 468, [
        assess("lena", 440, "feasible", "Monthly CRM extract plus the contract table; batch scoring takes under an hour."),
        assess("farid", 438, "feasible", "Scoring 2,300 contracts with the gradient-boosted model takes seconds."),
      ]),
    req("The top-50 list beats today's selection", "must",
      "The monthly top 50 contain ≥ 40 % of the customers who do not renew (two-year backtest)",
      "Today account managers call the customers they know; that finds about a fifth of the leavers.",
      "dana", 466, [
        assess("ines", 420, "feasible", "Backtest: 47 % of non-renewals in the top 50 (gradient boosting on contract and ticket history)."),
        assess("lena", 417, "feasible", "The list is one CRM report; nothing to operate beyond the monthly batch."),
      ]),
    req("No personal data outside the CRM tenant", "must",
      "Scoring runs in the EU CRM tenant; no contact names or e-mail addresses in the feature store",
      "Required by the data-protection officer for any use of customer data.",
      "dana", 462, [
        assess("kemal", 430, "feasible", "Features use customer ids only; the feature store is in the same EU tenant."),
        assess("ines", 425, "feasible", "The model needs customer ids only; no contact data is used as a feature."),
      ]),
    req("Account managers see the reasons", "should",
      "Each score shows its three strongest reasons in the CRM",
      "A call goes better when the account manager knows what the customer is unhappy about.",
      "dana", 455, [
        assess("ines", 415, "feasible_with_conditions", "Reasons from SHAP values per customer.",
          "Written as short reason codes: the CRM field holds 255 characters."),
        assess("lena", 412, "feasible_with_conditions", "A custom field on the contract, written through the CRM's standard API.",
          "The CRM administrators add the field in their quarterly release."),
      ]),
    req("Call list ready before the renewal window", "should",
      "Top-50 list delivered 90 days before each renewal date",
      "Account managers need time to arrange a visit before the customer decides.",
      "dana", 450, [
        assess("lena", 410, "feasible", "The contract table carries renewal dates twelve months ahead."),
        assess("ines", 408, "feasible", "The backtest's monthly top 50 are ready 90 days ahead in every month."),
      ], "churn-call-list"),
  ],
  invoiceOcr: [
    req("Read the invoice header", "must",
      "Supplier, invoice number, date, net, VAT and gross amounts right on ≥ 95 % of a 500-invoice sample",
      "Every wrong header field is a manual correction in accounts payable.",
      "elif", 632, [
        assess("ines", 600, "feasible", "Commercial OCR engine plus a layout model: 96.4 % on the sample."),
        assess("jonas", 598, "feasible", "The OCR engine runs next to the document system in the application cluster."),
      ]),
    req("Propose the G/L account and cost centre", "must",
      "Proposal accepted unchanged for ≥ 85 % of invoice lines",
      "Account coding is most of the keying time.",
      "elif", 631, [
        assess("ines", 590, "feasible_with_conditions", "89 % on last quarter's invoices.",
          "Trained on twelve months of posted invoices; cost centres only for the 40 most frequent suppliers at first."),
        assess("jonas", 588, "feasible", "The proposals fill the posting interface's existing fields."),
      ]),
    req("Straight-through processing", "must",
      "≥ 70 % of invoices posted without manual keying",
      "The business case: two full-time positions move to supplier queries.",
      "elif", 630, [
        assess("jonas", 585, "feasible", "The posting interface supports automatic posting below EUR 5,000 with the proposals above."),
        assess("hiro", 583, "feasible", "At the chosen confidence thresholds, 74 % of last quarter's invoices pass straight through."),
      ]),
    req("Scans as well as PDFs", "should",
      "Scans at 200 dpi or better read within 3 points of the accuracy on PDFs",
      "About a third of suppliers still send paper.",
      "elif", 620, [
        assess("hiro", 580, "feasible", "Measured on 200 scans: 1.8 points below PDFs."),
        assess("jonas", 578, "feasible", "The mail room scans at 300 dpi straight into the document system."),
      ]),
    req("Personal data of sole traders protected", "must",
      "Personal data masked in logs; invoices readable only by the accounts-payable team",
      "Invoices of sole traders carry names, addresses and bank details.",
      "elif", 615, [
        assess("kemal", 575, "feasible_with_conditions", "Reviewed with the data-protection officer.",
          "Access through the AP role in the document system; log masking within the first production quarter."),
        assess("ines", 572, "feasible", "Bank details are masked before training; the models see amounts, suppliers and line texts."),
      ]),
  ],
  energyPrice: [
    req("Day-ahead price forecast for the plants' market zone", "must",
      "MAE ≤ 8 EUR/MWh on day-ahead prices in a 12-month backtest",
      "Procurement times flexible loads and short-term purchases on it.",
      "elif", 69, [
        assess("farid", 55, "feasible", "First backtest: MAE 7.1 EUR/MWh with weather and gas-price features."),
        assess("lena", 52, "feasible", "Weather and exchange prices already land on the data platform every morning."),
      ]),
    req("Forecast published before the auction", "must",
      "Forecast for the next day available by 10:00 CET on every trading day",
      "The day-ahead auction closes at noon; traders need two hours.",
      "elif", 69, [
        assess("lena", 50, "feasible_with_conditions", "Weather data arrives by 07:00 from the existing provider.",
          "Needs a company data-feed contract for exchange prices instead of a personal API key."),
        assess("farid", 48, "feasible", "The model runs in six minutes once the weather data has arrived."),
      ]),
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
      "brigitte", 552, [
        assess("ines", 500, "feasible", "Test set: 93 % of faulty seams flagged at 1.6 % false rejects."),
        assess("mateo", 495, "feasible", "Images reach the cell PC over the plant VLAN; nothing leaves the cell."),
      ]),
    req("Decision before the part leaves the cell", "must",
      "Inference under 200 ms per seam at the cell",
      "The robot hands the part on after 1.5 s; the decision must come before.",
      "brigitte", 550, [
        assess("mateo", 480, "feasible_with_conditions", "Measured 140 ms on a GPU workstation.",
          "Only with a GPU workstation next to the cell during the pilot. Production needs edge compute on the plant network, which does not exist yet."),
        assess("ines", 478, "feasible_with_conditions", "140 ms per seam on a GPU; 1.9 s on the cell PC's CPU.",
          "Needs GPU inference at the cell."),
      ]),
    req("Operator confirms or overrides every flag", "should",
      "Every flag confirmed or overridden on the cell terminal within the cycle time",
      "The welder stays responsible for the part.",
      "brigitte", 545, [
        assess("jonas", 470, "feasible", "The cell terminal can show a web page from the plant network."),
        assess("ines", 468, "feasible", "Each flag comes with a crop of the seam to show on the terminal."),
      ]),
  ],
  oeeDashboard: [
    req("OEE per line and shift", "must",
      "Availability, performance and quality per line and shift for all three plants",
      "Shift leads compare their lines and plants on the same figures.",
      "carlos", 254, [
        assess("hiro", 240, "feasible", "The MES nightly export has machine states and part counts per shift."),
        assess("lena", 238, "feasible", "The nightly export already lands on the data platform."),
      ]),
    // IT operations and data science disagree: the data is not there, the computation is easy.
    req("Figures refreshed every 15 minutes", "must",
      "Dashboard figures at most 15 minutes old during production",
      "Shift leads want to react within the shift, not the next morning.",
      "carlos", 253, [
        assess("mateo", 235, "infeasible", "Checked with the MES vendor and plant IT.",
          "The current MES exports machine states only once a night as a CSV file; there is no interface for 15-minute data until the MES upgrade, which has no date yet."),
        assess("hiro", 232, "feasible", "OEE per line and shift is one small query; running it every 15 minutes is no problem once machine states arrive that often."),
      ]),
    req("One OEE definition for all plants", "should",
      "One documented OEE formula, agreed by the three plant managers",
      "Today each plant counts planned stops differently.",
      "carlos", 250, [
        assess("hiro", 230, "feasible", "Draft formula agreed with two plants; the third follows the group standard."),
      ]),
    req("Less manual reporting", "could",
      "Shift leads spend ≤ 15 minutes a week on OEE figures",
      "Today it takes them about two hours a week in spreadsheets.",
      "carlos", 248),
  ],
  callVolume: [
    req("Calls per 30-minute slot, two weeks ahead", "must",
      "WAPE ≤ 10 % per day and ≤ 20 % per 30-minute slot over the next 14 days",
      "Shift plans are made two weeks ahead in half-hour slots.",
      "dana", 34, [
        assess("ines", 22, "feasible", "Three years of telephony logs; a seasonal model reaches 8 % per day in a first backtest."),
      ]),
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

type Verdict = {
  feasibility: Feasibility;
  conditions: string | null;
  note: string | null;
  assessedById: number | null;
  assessedAt: number | null;
  version: number;
};

const UNASSESSED: Verdict = {
  feasibility: "unassessed",
  conditions: null,
  note: null,
  assessedById: null,
  assessedAt: null,
  version: 1,
};

type RequirementState = {
  id: number;
  title: string;
  description: string;
  target: string;
  priority: Priority;
  status: "active" | "withdrawn";
  ds: Verdict;
  it: Verdict;
  /** The combined verdict (app/domain/feasibility.ts). */
  feasibility: Feasibility;
  version: number;
};

/** Every version of a requirement with the instant it took effect (for content "as it stood"). */
type RequirementHistory = { projectId: number; versions: { at: number; state: RequirementState }[] };

// ---------------------------------------------------------------- past reviews

type AttestationSpec = { key: string; by: PersonKey; daysBefore: number; note: string; evidenceUrl?: string };
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
  /** Why now, in the opener's words. */
  statement: string;
  attestations: AttestationSpec[];
  /** In the order they were given; a member's later one supersedes their earlier one. */
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

/** One per past promotion of app/demo/demo.ts, in the order they were opened. */
// prettier-ignore
const PAST_REVIEWS: PastReviewSpec[] = [
  {
    project: "sparePartsDemand", to: "pilot", openedBy: "ines", openedDaysBefore: 16,
    statement: "The backtest beats the planners' own forecast on the fast movers; the central warehouse is ready to pilot it for twelve weeks.",
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
    statement: "Header extraction reaches 96 % on the sample; accounts payable wants to pilot it on one supplier group.",
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
    statement: "The pilot met every target; accounts payable wants all invoices automated from next month.",
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
    statement: "The image model flags 93 % of faulty seams on the test set; the welding cell can host a pilot.",
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
    statement: "Twelve weeks in the central warehouse cut safety stock by 16 % at a 97.3 % fill rate; we want it in all three warehouses.",
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
    statement: "The backtest finds 47 % of the leavers in the top 50; two account-manager teams are ready to call the list.",
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
    statement: "The backtest meets the business case (precision 0.83, recall 0.64, 61 h lead time); the line 3 planners are ready to act on alarms.",
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
  /** Each person's profile discipline, by id (decides "own" for attestations any member may tick). */
  disciplines: Map<number, Discipline>;
};

function user(ctx: Ctx, key: PersonKey) {
  return ctx.seed.users[key];
}

function membersAt(project: DemoProject, at: number): GateFacts["members"] {
  return project.members.filter((m) => m.joinedAt <= at).map((m) => ({ userId: m.userId, discipline: m.discipline }));
}

/**
 * The person's seat on the project at `at`; refuses a non-member, a seat that is not the
 * person's own discipline (docs/domain.md, "Who may sign"), or a discipline not allowed.
 */
function memberOf(
  ctx: Ctx,
  project: DemoProject,
  person: PersonKey,
  at: number,
  allowed: readonly Discipline[],
  what: string,
): Discipline {
  const { id, discipline } = user(ctx, person);
  const membership = project.members.find((m) => m.userId === id);
  if (!membership || membership.joinedAt > at) fail(`${person} is not on ${project.slug} when ${what}`);
  if (membership.discipline !== discipline) fail(`${person} is seated as ${membership.discipline} on ${project.slug}`);
  if (!allowed.includes(membership.discipline)) {
    fail(`${person} (${membership.discipline}) may not ${what} on ${project.slug}`);
  }
  if (at >= ctx.now) fail(`${what} on ${project.slug} is in the future`);
  return membership.discipline;
}

/** As app/models/requirements.server.ts writes a requirement into its activity rows. */
const snapshotOf = (r: RequirementState) => ({
  title: r.title,
  description: r.description,
  target: r.target,
  priority: r.priority,
  status: r.status,
  feasibility: r.feasibility,
  dsFeasibility: r.ds.feasibility,
  dsConditions: r.ds.conditions,
  dsNote: r.ds.note,
  itFeasibility: r.it.feasibility,
  itConditions: r.it.conditions,
  itNote: r.it.note,
  version: r.version,
});

/** The requirement row's columns for a state (the legacy single-verdict columns stay empty). */
const columnsOf = (r: RequirementState) => ({
  title: r.title,
  description: r.description,
  target: r.target,
  priority: r.priority,
  status: r.status,
  feasibility: r.feasibility,
  dsFeasibility: r.ds.feasibility,
  dsConditions: r.ds.conditions,
  dsNote: r.ds.note,
  dsAssessedById: r.ds.assessedById,
  dsAssessedAt: r.ds.assessedAt,
  dsVersion: r.ds.version,
  itFeasibility: r.it.feasibility,
  itConditions: r.it.conditions,
  itNote: r.it.note,
  itAssessedById: r.it.assessedById,
  itAssessedAt: r.it.assessedAt,
  itVersion: r.it.version,
  version: r.version,
});

function lastVersion(ctx: Ctx, requirementId: number) {
  const history = ctx.requirementHistory.get(requirementId) ?? fail(`no requirement ${requirementId}`);
  return { history, last: history.versions[history.versions.length - 1] };
}

/** Writes a new state of a requirement (row, history) at `at`, after its last change. */
function writeRequirement(ctx: Ctx, after: RequirementState, at: number) {
  const { history, last } = lastVersion(ctx, after.id);
  if (at <= last.at) fail(`requirement ${after.id} changed before its last change`);
  ctx.tx
    .update(requirements)
    .set({ ...columnsOf(after), updatedAt: at })
    .where(eq(requirements.id, after.id))
    .run();
  history.versions.push({ at, state: after });
}

/**
 * One discipline's verdict, as app/models/requirements.server.ts assessRequirement gives it:
 * the assessor's seat decides which verdict; the combined one follows; one activity row.
 */
function assessRequirement(ctx: Ctx, key: ProjectKey, requirementId: number, spec: AssessSpec, at: number) {
  const project = ctx.seed.projects[key];
  const { last } = lastVersion(ctx, requirementId);
  const before = last.state;
  if (before.status !== "active") fail(`“${before.title}” assessed after it was withdrawn`);
  const seat = memberOf(ctx, project, spec.by, at, ["it", "data_science"], "assess a requirement") as VerdictDiscipline;
  if (spec.feasibility !== "feasible" && !spec.conditions) fail(`“${before.title}” needs conditions or a reason`);
  const assessor = user(ctx, spec.by);
  const old = seat === "data_science" ? before.ds : before.it;
  const verdict: Verdict = {
    feasibility: spec.feasibility,
    conditions: spec.feasibility === "feasible" ? null : (spec.conditions ?? null),
    note: spec.note || null,
    assessedById: assessor.id,
    assessedAt: at,
    version: old.version + 1,
  };
  const ds = seat === "data_science" ? verdict : before.ds;
  const it = seat === "it" ? verdict : before.it;
  const after: RequirementState = {
    ...before,
    ds,
    it,
    feasibility: combinedFeasibility(ds.feasibility, it.feasibility),
    version: before.version + 1,
  };
  writeRequirement(ctx, after, at);
  ctx.timeline.add({
    at,
    actorId: assessor.id,
    projectId: project.id,
    entityType: "requirement",
    entityId: requirementId,
    action: "requirement.assessed",
    summary: `${assessor.name} assessed “${before.title}” for ${disciplineLabel[seat]} as ${feasibilityLabel[spec.feasibility].toLowerCase()}`,
    before: snapshotOf(before),
    after: snapshotOf(after),
  });
}

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
      ds: UNASSESSED,
      it: UNASSESSED,
      feasibility: "unassessed",
      version: 1,
    };
    const author = user(ctx, spec.by);
    const row = tx
      .insert(requirements)
      .values({
        projectId: project.id,
        ...columnsOf({ id: 0, ...stated }),
        createdById: author.id,
        createdAt,
        updatedAt: createdAt,
      })
      .returning({ id: requirements.id })
      .get();
    if (spec.ref) refs.set(spec.ref, row.id);
    const state: RequirementState = { id: row.id, ...stated };
    ctx.requirementHistory.set(row.id, { projectId: project.id, versions: [{ at: createdAt, state }] });
    timeline.add({
      projectId: project.id,
      entityType: "requirement",
      entityId: row.id,
      at: createdAt,
      actorId: author.id,
      action: "requirement.created",
      summary: `${author.name} stated “${spec.title}” (${priorityLabel[spec.priority]}: ${spec.target})`,
      after: snapshotOf(state),
    });
    const assessments = spec.assessments
      .map((a, n) => ({ a, at: now - a.daysAgo * DAY - jitter(`assess:${key}:${i}:${n}`) }))
      .sort((x, y) => x.at - y.at);
    for (const { a, at } of assessments) {
      if (at <= createdAt) fail(`“${spec.title}” assessed before it was stated`);
      assessRequirement(ctx, key, row.id, a, at);
    }
  });
  return refs;
}

/**
 * Business revises a requirement's target after it was assessed: both verdicts are reset, as
 * app/models/requirements.server.ts updateRequirement does, with its activity row.
 */
function reviseRequirement(
  ctx: Ctx,
  key: ProjectKey,
  requirementId: number,
  change: { by: PersonKey; at: number; target: string },
) {
  const project = ctx.seed.projects[key];
  const { last } = lastVersion(ctx, requirementId);
  memberOf(ctx, project, change.by, change.at, ["business"], "revise a requirement");
  const before = last.state;
  const reset =
    (before.ds.feasibility !== "unassessed" || before.it.feasibility !== "unassessed") &&
    before.target !== change.target;
  const cleared = (v: Verdict): Verdict => ({ ...UNASSESSED, version: v.version + 1 });
  const after: RequirementState = {
    ...before,
    target: change.target,
    ...(reset ? { ds: cleared(before.ds), it: cleared(before.it), feasibility: "unassessed" as const } : {}),
    version: before.version + 1,
  };
  writeRequirement(ctx, after, change.at);
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

function requirementsAt(ctx: Ctx, projectId: number, at: number): RequirementState[] {
  const states: RequirementState[] = [];
  for (const history of ctx.requirementHistory.values()) {
    if (history.projectId !== projectId) continue;
    const state = history.versions.filter((v) => v.at <= at).at(-1)?.state;
    if (state) states.push(state);
  }
  return states.sort((a, b) => a.id - b.id);
}

/** A debt item as gateDebtFacts returns it; the gate sees unsettled items only. */
type OpenDebtFact = GateDebtFact & { status: "open" | "repaying" };

/**
 * The open debt of a project at `at`, in the shape of gateDebtFacts: items opened by then
 * and not yet repaid; steps added by then, done if done by then; `repaying` once a step was
 * done. Plans are taken as they are now: the demo writes them on the day an item is logged.
 * Accepted items are left out whenever they were accepted (see below).
 */
function debtAt(ctx: Ctx, projectId: number, at: number): OpenDebtFact[] {
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
  const facts: OpenDebtFact[] = [];
  for (const item of items) {
    if (item.openedAt > at) continue;
    if (item.status === "repaid" && item.repaidAt != null && item.repaidAt <= at) continue;
    // The demo debt records no plan for the items it later accepts (a deliberate "we live with
    // it" from the start), so they count as settled from the day they were logged.
    if (item.status === "accepted") continue;
    const own = steps
      .filter((s) => s.itemId === item.id && s.createdAt <= at)
      .map((s) => ({
        id: s.id,
        title: s.title,
        ownerId: s.ownerId,
        dueDate: s.dueDate,
        done: s.doneAt != null && s.doneAt <= at,
      }));
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
      signOffId: item.signOffId,
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
  evidenceUrl: string | null;
  attestedByName: string | null;
  attesterDiscipline: Discipline | null;
};

/** Criteria as they stood at `at`: attestations ticked later count as not ticked. */
function criteriaAt(criteria: CriterionRow[], at: number): CriterionRow[] {
  return criteria.map((c) =>
    c.attestedAt != null && c.attestedAt <= at
      ? c
      : {
          ...c,
          attestedById: null,
          attestedAt: null,
          attestationNote: null,
          evidenceUrl: null,
          attestedByName: null,
          attesterDiscipline: null,
        },
  );
}

/** The gate content as it stood at `at`, each discipline's view of it and their fingerprints. */
function contentAt(ctx: Ctx, project: DemoProject, criteria: CriterionRow[], at: number) {
  const reqs = requirementsAt(ctx, project.id, at);
  const debt = debtAt(ctx, project.id, at);
  const crit = criteriaAt(criteria, at);
  const content = gateContentFrom({
    requirements: reqs.map((r) => ({
      ...r,
      dsFeasibility: r.ds.feasibility,
      dsConditions: r.ds.conditions,
      dsNote: r.ds.note,
      itFeasibility: r.it.feasibility,
      itConditions: r.it.conditions,
      itNote: r.it.note,
    })),
    criteria: crit,
    debtItems: debt,
  });
  const { views, fingerprints } = disciplineViews(content);
  const facts: GateFacts = { requirements: reqs, members: membersAt(project, at), debtItems: debt };
  return { reqs, debt, criteria: crit, facts, views, fingerprints };
}

// ---------------------------------------------------------------- reviews

function insertReview(
  ctx: Ctx,
  project: DemoProject,
  from: Stage,
  to: "pilot" | "production",
  openedBy: PersonKey,
  openedAt: number,
  statement: string,
): { id: number; requiredApprovals: number } {
  memberOf(ctx, project, openedBy, openedAt, DISCIPLINES, "open a gate review");
  const why = statement.trim();
  if (why.length < 3 || why.length > 1000) fail(`the statement of ${project.slug}'s review to ${to}`);
  const opener = user(ctx, openedBy);
  const requiredApprovals = requiredApprovalsFor(to, ctx.tx);
  const review = ctx.tx
    .insert(gateReviews)
    .values({
      projectId: project.id,
      fromStage: from,
      targetStage: to,
      openedById: opener.id,
      openedAt,
      statement: why,
      requiredApprovals,
    })
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
    after: {
      reviewId: review.id,
      fromStage: from,
      targetStage: to,
      statement: why,
      requiredApprovals,
      criteria: DEFAULT_CRITERIA[to].map((c) => c.key),
    },
  });
  return { id: review.id, requiredApprovals };
}

/** The review's criteria copied from the default checklist, with the given attestations ticked. */
function insertCriteria(
  ctx: Ctx,
  project: DemoProject,
  reviewId: number,
  to: "pilot" | "production",
  attestations: { key: string; by: PersonKey; at: number; note: string; evidenceUrl?: string }[],
  openedAt: number,
): CriterionRow[] {
  const rows: CriterionRow[] = [];
  DEFAULT_CRITERIA[to].forEach((definition, position) => {
    const a = attestations.find((x) => x.key === definition.key);
    if (a && definition.kind !== "attestation") fail(`${definition.key} is not an attestation`);
    if (a && a.at <= openedAt) fail(`${definition.key} attested before the review was opened`);
    if (a) {
      memberOf(
        ctx,
        project,
        a.by,
        a.at,
        definition.discipline ? [definition.discipline] : DISCIPLINES,
        `attest ${definition.key}`,
      );
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
      evidenceUrl: a?.evidenceUrl ?? null,
      attesterDiscipline: attester?.discipline ?? null,
    };
    const row = ctx.tx.insert(gateCriteria).values(values).returning({ id: gateCriteria.id }).get();
    rows.push({
      ...definition,
      ...values,
      id: row.id,
      attestedByName: attester?.name ?? null,
      attesterDiscipline: attester?.discipline ?? null,
    });
    if (a && attester) {
      ctx.timeline.add({
        at: a.at,
        actorId: attester.id,
        projectId: project.id,
        entityType: "gate_criterion",
        entityId: row.id,
        action: "gate.attested",
        summary: `${attester.name} attested “${definition.label}”`,
        before: { attestedById: null, note: null, evidenceUrl: null },
        after: { attestedById: attester.id, note: a.note, evidenceUrl: a.evidenceUrl ?? null },
      });
    }
  });
  for (const a of attestations) {
    if (!rows.some((r) => r.key === a.key)) fail(`no criterion ${a.key} on the gate to ${to}`);
  }
  return rows;
}

type SignedOff = SignOffState & {
  id: number;
  comment: string;
  signedAt: number;
  status: "current" | "superseded";
  /** The signer's discipline's view when they signed (the stored snapshot). */
  view: DisciplineView;
};

type ReviewRef = { id: number; targetStage: Stage; fromStage: Stage };

/**
 * Writes one sign-off as app/models/gate-signoffs.server.ts signOff does: the member's previous
 * current one is superseded, conditions become debt items linked by sign_off_id, and the
 * fingerprint and snapshot of the signer's discipline's view are taken after the conditions
 * exist (`viewAt(discipline)` gives that view).
 */
function insertSignOff(
  ctx: Ctx,
  project: DemoProject,
  review: ReviewRef,
  spec: SignOffSpec,
  signedAt: number,
  earlier: SignedOff[],
  viewAt: (discipline: Discipline) => DisciplineView,
): SignedOff {
  const { tx } = ctx;
  const discipline = memberOf(ctx, project, spec.by, signedAt, DISCIPLINES, "sign off");
  const signer = user(ctx, spec.by);
  if (spec.decision === "changes_requested" && !spec.comment.trim()) fail("changes requested without a comment");
  if (spec.decision === "approve_with_conditions" && !spec.conditions?.length) fail("conditions missing");
  const previous = earlier.find((s) => s.userId === signer.id && s.status === "current");
  if (previous) {
    if (previous.signedAt >= signedAt) fail("sign-offs out of order");
    tx.update(signOffs).set({ status: "superseded", endedAt: signedAt }).where(eq(signOffs.id, previous.id)).run();
    previous.status = "superseded";
  }
  const comment = spec.comment.trim();
  const created = tx
    .insert(signOffs)
    .values({
      reviewId: review.id,
      discipline,
      userId: signer.id,
      decision: spec.decision,
      comment,
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
      repayBeforeStage: review.targetStage === "production" ? null : "production",
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
  const view = viewAt(discipline);
  const fingerprint = viewFingerprint(view);
  tx.update(signOffs)
    .set({ fingerprint, snapshot: canonicalView(view) })
    .where(eq(signOffs.id, created.id))
    .run();
  ctx.timeline.add({
    at: signedAt,
    actorId: signer.id,
    projectId: project.id,
    entityType: "sign_off",
    entityId: created.id,
    action: "gate.signed_off",
    summary:
      `${signer.name} signed for ${disciplineLabel[discipline]}: ${decisionLabel[spec.decision].toLowerCase()}` +
      (conditionIds.length
        ? ` (${conditionIds.length} condition${conditionIds.length > 1 ? "s" : ""} logged as debt)`
        : ""),
    before: previous ? { signOffId: previous.id, decision: previous.decision } : undefined,
    after: {
      reviewId: review.id,
      discipline,
      decision: spec.decision,
      comment,
      fingerprint,
      conditionDebtItemIds: conditionIds,
    },
  });
  return {
    id: created.id,
    discipline,
    userId: signer.id,
    userName: signer.name,
    decision: spec.decision,
    comment,
    fingerprint,
    signedAt,
    status: "current",
    dismissedAt: null,
    view,
  };
}

/**
 * The project owner dismisses a member's "changes requested" with a reason, as
 * app/models/gate-signoffs.server.ts dismissChangesRequest does.
 */
function dismissChangesRequest(
  ctx: Ctx,
  project: DemoProject,
  target: SignedOff,
  by: PersonKey,
  at: number,
  reason: string,
) {
  const owner = user(ctx, by);
  if (owner.id !== project.ownerId) fail(`${by} does not own ${project.slug} and may not dismiss`);
  if (target.decision !== "changes_requested" || target.status !== "current" || target.dismissedAt != null) {
    fail("only a current, undismissed “changes requested” can be dismissed");
  }
  if (at <= target.signedAt || at >= ctx.now) fail("a dismissal out of order");
  const why = reason.trim();
  if (!why) fail("a dismissal without a reason");
  ctx.tx
    .update(signOffs)
    .set({ dismissedById: owner.id, dismissedAt: at, dismissReason: why })
    .where(eq(signOffs.id, target.id))
    .run();
  target.dismissedAt = at;
  ctx.timeline.add({
    at,
    actorId: owner.id,
    projectId: project.id,
    entityType: "sign_off",
    entityId: target.id,
    action: "gate.changes_request_dismissed",
    summary: `${owner.name} dismissed ${target.userName}'s request for changes (${disciplineLabel[target.discipline]}): ${why}`,
    before: { dismissed: false },
    after: { dismissed: true, reason: why },
  });
}

/**
 * A comment in a review's conversation, as app/models/review-comments.server.ts addComment
 * writes it: optionally a reply to one sign-off, `@name` mentions resolved to the team and
 * the owner and stored, one activity row.
 */
function insertComment(
  ctx: Ctx,
  project: DemoProject,
  review: ReviewRef,
  by: PersonKey,
  at: number,
  body: string,
  replyTo: SignedOff | null = null,
): number {
  const author = user(ctx, by);
  const onTeam = project.members.some((m) => m.userId === author.id && m.joinedAt <= at);
  if (!onTeam && author.id !== project.ownerId) fail(`${by} may not comment on ${project.slug}`);
  if (at >= ctx.now) fail("a comment in the future");
  const text = body.trim();
  if (!text) fail("an empty comment");
  if (replyTo && replyTo.signedAt >= at) fail("a reply before the sign-off it answers");
  const people = Object.values(ctx.seed.users).filter(
    (u) => u.id === project.ownerId || project.members.some((m) => m.userId === u.id),
  );
  const { userIds, ambiguous } = resolveMentions(mentionTokens(text), people);
  if (ambiguous.length) fail(`an ambiguous mention in a comment on ${project.slug}: @${ambiguous[0].token}`);
  const created = ctx.tx
    .insert(reviewComments)
    .values({
      reviewId: review.id,
      authorId: author.id,
      body: text,
      replyToSignOffId: replyTo?.id ?? null,
      createdAt: at,
    })
    .returning({ id: reviewComments.id })
    .get();
  for (const userId of userIds) ctx.tx.insert(reviewCommentMentions).values({ commentId: created.id, userId }).run();
  ctx.timeline.add({
    at,
    actorId: author.id,
    projectId: project.id,
    entityType: "review_comment",
    entityId: created.id,
    action: "gate.commented",
    summary: replyTo
      ? `${author.name} replied to ${replyTo.userName}'s sign-off (${decisionLabel[replyTo.decision].toLowerCase()})`
      : `${author.name} commented on the gate review`,
    after: { reviewId: review.id, body: text, replyToSignOffId: replyTo?.id ?? null, mentionedUserIds: userIds },
  });
  return created.id;
}

/** Each discipline's panel as the model's read side shows it, with what changed for stale ones. */
function panelsOf(current: SignedOff[], content: ReturnType<typeof contentAt>, required: number) {
  return DISCIPLINES.map((discipline) => {
    const panel = disciplinePanel(discipline, current, content.fingerprints, content.facts.members, required);
    return {
      discipline,
      status: panel.status,
      approvals: panel.approvals,
      required,
      signOffs: panel.signOffs.map((s) => ({
        id: s.id,
        userName: s.userName,
        decision: s.decision,
        standing: s.standing,
        changes: s.standing === "stale" ? describeChanges(s.view, content.views[discipline]) : [],
      })),
    };
  });
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

  const { id: reviewId, requiredApprovals } = insertReview(
    ctx,
    project,
    promotion.from,
    target,
    spec.openedBy,
    openedAt,
    spec.statement,
  );
  const attestations = spec.attestations.map((a) => ({ ...a, at: before(a.daysBefore, `attest:${a.key}`) }));
  const criteria = insertCriteria(ctx, project, reviewId, target, attestations, openedAt);
  const review = { id: reviewId, targetStage: target, fromStage: promotion.from };

  const given: SignedOff[] = [];
  for (const [i, s] of spec.signOffs.entries()) {
    const signedAt = before(s.daysBefore, `sign:${i}`);
    if (signedAt <= openedAt || signedAt >= closedAt) fail(`a sign-off of ${spec.project} lies outside its review`);
    given.push(
      insertSignOff(
        ctx,
        project,
        review,
        s,
        signedAt,
        given,
        (d) => contentAt(ctx, project, criteria, signedAt).views[d],
      ),
    );
  }

  // The review as it stood at the instant of promotion: it must have been promotable.
  const closing = contentAt(ctx, project, criteria, closedAt);
  const evaluated = evaluateCriteria(closing.criteria, closing.facts);
  const current = given.filter((s) => s.status === "current");
  const blockers = promotionBlockers({
    criteria: evaluated,
    signOffs: current,
    fingerprints: closing.fingerprints,
    members: closing.facts.members,
    requiredApprovals,
  });
  if (blockers.length) fail(`${spec.project} could not have been promoted to ${target}: ${blockers.join(" | ")}`);
  // As app/models/gate-reviews-read.server.ts closingSnapshot writes it.
  const closingSnapshot = {
    fingerprints: closing.fingerprints,
    criteria: evaluated.map((c) => ({
      key: c.key,
      label: c.label,
      kind: c.kind,
      met: c.met,
      detail: c.detail,
      attestedByName: c.attestedByName,
      attestedAt: c.attestedAt,
      attestationNote: c.attestationNote,
      evidenceUrl: c.evidenceUrl,
    })),
    panels: panelsOf(current, closing, requiredApprovals),
    blockers,
    requirements: closing.reqs.map((r) => ({
      id: r.id,
      title: r.title,
      description: r.description,
      target: r.target,
      priority: r.priority,
      status: r.status,
      feasibility: r.feasibility,
      dsFeasibility: r.ds.feasibility,
      dsConditions: r.ds.conditions,
      dsNote: r.ds.note,
      itFeasibility: r.it.feasibility,
      itConditions: r.it.conditions,
      itNote: r.it.note,
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

  // The promotion's activity row (queued by app/demo/demo.ts) names its review, as `promote` writes it.
  const promoter = ctx.names.get(promotion.byId) ?? "Someone";
  promotion.activity.after.reviewId = reviewId;
  promotion.activity.summary = `${promoter} promoted ${project.name} to ${stageShortLabel[target]} (gate review #${reviewId})`;
  return reviewId;
}

/**
 * For an open review, a sign-off's view comes from the model (`currentViews`); it must equal
 * the reconstruction at the instant of signing, else something dated later is already stored
 * and the sign-off would be given on content it never saw.
 */
function liveView(ctx: Ctx, project: DemoProject, reviewId: number, criteria: CriterionRow[], at: () => number) {
  return (discipline: Discipline) => {
    const live = currentViews(reviewId, ctx.tx).views[discipline];
    const rebuilt = contentAt(ctx, project, criteria, at()).views[discipline];
    if (canonicalView(live) !== canonicalView(rebuilt)) {
      fail(`a ${discipline} sign-off on ${project.slug} would see content dated after it`);
    }
    return live;
  };
}

/** Checks the reconstruction of "content at an instant" against the model on today's content. */
function checkAgainstModel(ctx: Ctx, project: DemoProject, reviewId: number, criteria: CriterionRow[]) {
  const live = currentViews(reviewId, ctx.tx).fingerprints;
  const rebuilt = contentAt(ctx, project, criteria, ctx.now).fingerprints;
  for (const d of DISCIPLINES) {
    if (live[d] !== rebuilt[d]) fail(`the reconstructed ${d} view of ${project.slug} differs from the model's`);
  }
  const debt = JSON.stringify(gateDebtFacts(project.id, ctx.tx));
  if (debt !== JSON.stringify(debtAt(ctx, project.id, ctx.now)))
    fail(`the reconstructed debt of ${project.slug} differs`);
}

/** Sign-offs on an open review, in time order, each with its view from the model. */
function openSigner(ctx: Ctx, project: DemoProject, review: ReviewRef, criteria: CriterionRow[]) {
  const given: SignedOff[] = [];
  let signingAt = 0;
  const viewAt = liveView(ctx, project, review.id, criteria, () => signingAt);
  return {
    given,
    sign(spec: SignOffSpec, at: number): SignedOff {
      const last = given.at(-1);
      if (at <= (last?.signedAt ?? 0)) fail(`sign-offs on ${project.slug} out of order`);
      signingAt = at;
      const signed = insertSignOff(ctx, project, review, spec, at, given, viewAt);
      given.push(signed);
      return signed;
    },
  };
}

/**
 * Press line 3, pilot -> production: business approved; data science approved, then Grace
 * updated data science's conditions on the recall requirement, so Farid's approval is stale
 * for data science only (Brigitte signed after the change); IT operations has not signed.
 */
function seedPressLineOpenReview(ctx: Ctx, refs: Map<string, number>): number {
  const project = ctx.seed.projects.pressLine3;
  const ago = (days: number, label: string) => ctx.now - days * DAY - jitter(`open:pressLine3:${label}`);
  const openedAt = ago(18, "opened");
  const { id: reviewId } = insertReview(
    ctx,
    project,
    "pilot",
    "production",
    "farid",
    openedAt,
    "Six months of pilot on line 3 confirmed the backtest; the planners want the alarms on all presses of line 3 as a supported service.",
  );
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
        evidenceUrl: "https://wiki.demo.triad/operations/press-line-3-scoring",
      },
    ],
    openedAt,
  );
  const review = { id: reviewId, targetStage: "production" as Stage, fromStage: "pilot" as Stage };
  const signer = openSigner(ctx, project, review, criteria);
  signer.sign(
    sign(
      "farid",
      9,
      "approve",
      "Pilot precision 0.83, recall 0.64, median lead time 61 h; retraining runs monthly in the platform scheduler.",
    ),
    ago(9, "sign:data_science"),
  );
  // Data science's own conditions change after Farid signed: his approval goes stale (and
  // business's would have, had Brigitte signed before; IT operations' concerns are untouched).
  assessRequirement(
    ctx,
    "pressLine3",
    refs.get("press-recall") ?? fail("no recall requirement"),
    assess(
      "grace",
      8,
      "feasible_with_conditions",
      "Measured over the six months of pilot.",
      "Press 3 was retrofitted during the pilot (recall 0.66 there); press 4 gets its oil-pressure sensors in next month's planned stop and stays at about 0.45 until then.",
    ),
    ago(8, "assess:recall"),
  );
  signer.sign(
    sign(
      "brigitte",
      6,
      "approve",
      "Six months of pilot: the alarms warned of 7 of the last 10 failures at least two days ahead. The planners want it on all presses of line 3, and press 4's retrofit is booked.",
    ),
    ago(6, "sign:business"),
  );
  checkAgainstModel(ctx, project, reviewId, criteria);
  return reviewId;
}

/**
 * Customer churn, pilot -> production: Kemal asked for changes and Dana (the owner) dismissed
 * that with a reason; data science signed; business then revised the call-list requirement
 * (both verdicts reset), so that sign-off is stale; business approved and Lena asked for
 * changes on the revised content; Inês replied to Lena's request and Dana asked Lena and Inês
 * by @mention.
 */
function seedChurnOpenReview(ctx: Ctx, refs: Map<string, number>): number {
  const project = ctx.seed.projects.churn;
  const ago = (days: number, label: string) => ctx.now - days * DAY - jitter(`open:churn:${label}`);
  const openedAt = ago(24, "opened");
  const { id: reviewId } = insertReview(
    ctx,
    project,
    "pilot",
    "production",
    "ines",
    openedAt,
    "Three months of pilot: the two teams' lists held 46 % of the customers who later gave notice. Sales wants it for all account managers before the autumn renewals.",
  );
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
  const signer = openSigner(ctx, project, review, criteria);
  signer.sign(
    sign(
      "ines",
      16,
      "approve",
      "Pilot: the two teams' top-50 lists held 46 % of the customers who later gave notice; model and features are ready.",
    ),
    ago(16, "sign:data_science"),
  );
  const objection = signer.sign(
    sign(
      "kemal",
      14,
      "changes_requested",
      "Before production I want a new data-protection impact assessment for scoring all 2,300 customers, not only the two pilot teams' accounts.",
    ),
    ago(14, "sign:it:kemal"),
  );
  dismissChangesRequest(
    ctx,
    project,
    objection,
    "dana",
    ago(12, "dismiss:kemal"),
    "The data-protection officer's approval from the pilot gate covers every service-contract customer, not only the pilot teams, and the scoring still uses customer ids only (Kemal's own verdict on “No personal data outside the CRM tenant”). Nothing in the data changes for production.",
  );
  // Business changes what the call list must achieve: every discipline's signed content changes.
  reviseRequirement(ctx, "churn", refs.get("churn-call-list") ?? fail("no call-list requirement"), {
    by: "dana",
    at: ago(9, "revise:call-list"),
    target: "Top-80 list delivered 120 days before each renewal date",
  });
  signer.sign(
    sign(
      "dana",
      8,
      "approve",
      "The pilot teams kept 9 contracts they expected to lose. Sales wants the longer list and more lead time from the start.",
    ),
    ago(8, "sign:business"),
  );
  const request = signer.sign(
    sign(
      "lena",
      5,
      "changes_requested",
      "The revised call list needs contract-end dates 120 days ahead; the CRM extract carries only 90. Please assess the revised requirement first.",
    ),
    ago(5, "sign:it:lena"),
  );
  insertComment(
    ctx,
    project,
    review,
    "ines",
    ago(4, "comment:ines"),
    "Agreed. On the two-year backtest the top 80 at 120 days still hold 44 % of the leavers; I will give data science's verdict on the revised requirement once the extract question is settled.",
    request,
  );
  insertComment(
    ctx,
    project,
    review,
    "dana",
    ago(3, "comment:dana"),
    "@Lena can the CRM team extend the contract extract to 120 days before the autumn renewals? @Ines thank you — let's both assess the revised call list as soon as Lena knows.",
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
 * debt, so that the views include it) and before `timeline.write`.
 */
export function seedDemoGates(tx: Tx, seed: DemoSeed, timeline: Timeline): DemoGates {
  const people = tx.select({ id: users.id, name: users.name, discipline: users.discipline }).from(users).all();
  const ctx: Ctx = {
    tx,
    now: seed.now,
    seed,
    timeline,
    requirementHistory: new Map(),
    names: new Map(people.map((p) => [p.id, p.name])),
    disciplines: new Map(people.map((p) => [p.id, p.discipline])),
  };
  // Every seat is its person's own discipline (docs/domain.md, "Who may sign").
  for (const project of Object.values(seed.projects)) {
    for (const m of project.members) {
      if (ctx.disciplines.get(m.userId) !== m.discipline)
        fail(`user ${m.userId} is seated as ${m.discipline} on ${project.slug}`);
    }
  }

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
  const pressLine3 = seedPressLineOpenReview(ctx, refs);

  return {
    requirementIds: [...ctx.requirementHistory.keys()],
    promotedReviewIds,
    openReviewIds: { pressLine3, churn },
  };
}

/** For the README and tests: what the open reviews and the mismatches look like (no I/O). */
export const DEMO_GATE_STORY = {
  mismatch: { project: "oeeDashboard" as ProjectKey, requirement: "Figures refreshed every 15 minutes" },
  disagreement: {
    project: "oeeDashboard" as ProjectKey,
    requirement: "Figures refreshed every 15 minutes",
    infeasibleFor: "it",
    feasibleFor: "data_science",
  },
  staleForDataScienceOnly: {
    project: "pressLine3" as ProjectKey,
    approved: ["business"],
    stale: "data_science",
    missing: "it",
    changed: "Catch at least 60 % of press failures",
  },
  openStale: {
    project: "churn" as ProjectKey,
    stale: "data_science",
    revised: "Call list ready before the renewal window",
  },
  dismissed: { project: "churn" as ProjectKey, requestedBy: "kemal" as PersonKey, dismissedBy: "dana" as PersonKey },
  thread: { project: "churn" as ProjectKey, repliesTo: "lena" as PersonKey, mentions: ["lena", "ines"] as PersonKey[] },
} as const;
