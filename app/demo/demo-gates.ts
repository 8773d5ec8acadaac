/**
 * Demo requirements and gate reviews, replayed through the models (app/demo/story.ts): every
 * demo project gets requirements with measurable targets, stated by business and given a
 * verdict by each of IT operations and data science (docs/domain.md, "Feasibility"); every
 * past promotion (app/demo/cast.ts) is the end of a gate review that was opened, attested,
 * signed and promoted — `promote` refuses it unless every criterion holds and all three
 * disciplines approve at that instant; and two reviews are open now (DEMO_GATE_STORY below):
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
 */
import { eq } from "drizzle-orm";
import type { Tx } from "../../db/client.server";
import { requirements } from "../../db/schema";
import type { Decision, Priority, Register, Stage } from "~/domain/vocabulary";
import { addDays, utcDate } from "~/domain/dates";
import { setDebtStatus } from "~/models/debt.server";
import { attest as attestCriterion, dismissChangesRequest, openReview, promote, signOff } from "~/models/gates.server";
import { assessRequirement, createRequirement, updateRequirement } from "~/models/requirements.server";
import { addComment } from "~/models/review-comments.server";
import { DEMO_PROJECTS, type DemoProject, type DemoSeed, type PersonKey, type ProjectKey } from "~/demo/cast";
import { actorOf, DAY, fail, jitter, type Story } from "~/demo/story";
import { debtVersion } from "~/demo/demo-debt";

type Assessed = "feasible" | "feasible_with_conditions" | "infeasible";

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

/** One per past promotion (app/demo/cast.ts), in the order they were opened. */
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

/** A value a later step needs and an earlier step of the replay learns (an id). */
type Ref = { id: number };
const ref = (): Ref => ({ id: 0 });
const known = (r: Ref, what: string) => r.id || fail(`${what} is not there yet`);

/**
 * Every requirement of every project, stated by its author and assessed, each at its own time.
 * Returns the requirements the open-review stories refer to.
 */
function scheduleRequirements(story: Story, seed: DemoSeed): Map<string, Ref> {
  const refs = new Map<string, Ref>();
  for (const key of Object.keys(REQUIREMENTS) as ProjectKey[]) {
    const project = seed.projects[key];
    REQUIREMENTS[key].forEach((spec, i) => {
      const requirement = ref();
      if (spec.ref) refs.set(spec.ref, requirement);
      const statedAt = story.now - spec.daysAgo * DAY - jitter(`req:${key}:${i}`);
      if (statedAt <= project.createdAt) fail(`a requirement of ${key} predates the project`);
      const author = seed.users[spec.by];
      story.at(statedAt, `${author.name} states “${spec.title}”`, (options) => {
        const { title, description, target, priority } = spec;
        requirement.id = createRequirement(
          { actor: actorOf(author), projectId: project.id, title, description, target, priority },
          options,
        ).id;
      });
      spec.assessments.forEach((a, n) => {
        const assessedAt = story.now - a.daysAgo * DAY - jitter(`assess:${key}:${i}:${n}`);
        if (assessedAt <= statedAt) fail(`“${spec.title}” assessed before it was stated`);
        scheduleAssessment(story, seed, requirement, spec.title, a, assessedAt);
      });
    });
  }
  return refs;
}

/** One discipline's verdict: the assessor's seat decides which (assessRequirement). */
function scheduleAssessment(story: Story, seed: DemoSeed, requirement: Ref, title: string, a: AssessSpec, at: number) {
  const assessor = seed.users[a.by];
  story.at(at, `${assessor.name} assesses “${title}”`, (options) => {
    assessRequirement(
      {
        actor: actorOf(assessor),
        requirementId: known(requirement, `“${title}”`),
        feasibility: a.feasibility,
        note: a.note,
        conditions: a.conditions ?? "",
      },
      options,
    );
  });
}

/** Business revises a requirement's target: both verdicts are reset (updateRequirement). */
function scheduleRevision(
  story: Story,
  seed: DemoSeed,
  requirement: Ref,
  change: { by: PersonKey; at: number; target: string },
) {
  const author = seed.users[change.by];
  story.at(change.at, `${author.name} revises a requirement`, (options) => {
    const before = currentRequirement(options.tx, known(requirement, "the revised requirement"));
    updateRequirement(
      {
        actor: actorOf(author),
        requirementId: before.id,
        version: before.version,
        title: before.title,
        description: before.description,
        priority: before.priority,
        target: change.target,
      },
      options,
    );
  });
}

function currentRequirement(tx: Tx, id: number) {
  return tx.select().from(requirements).where(eq(requirements.id, id)).get() ?? fail(`no requirement ${id}`);
}

// ---------------------------------------------------------------- reviews

/** What the steps of one review share: the review's id once it is opened. */
type ReviewStory = { project: DemoProject; review: Ref; label: string };

function scheduleOpening(story: Story, seed: DemoSeed, r: ReviewStory, by: PersonKey, at: number, statement: string) {
  const opener = seed.users[by];
  story.at(at, `${opener.name} opens a gate review of ${r.label}`, (options) => {
    r.review.id = openReview({ actor: actorOf(opener), projectId: r.project.id, statement }, options).id;
  });
}

function scheduleAttestation(
  story: Story,
  seed: DemoSeed,
  r: ReviewStory,
  a: { key: string; by: PersonKey; note: string; evidenceUrl?: string },
  at: number,
) {
  const attester = seed.users[a.by];
  story.at(at, `${attester.name} attests ${a.key} on ${r.label}`, (options) => {
    attestCriterion(
      {
        actor: actorOf(attester),
        reviewId: known(r.review, `the review of ${r.label}`),
        key: a.key,
        note: a.note,
        evidenceUrl: a.evidenceUrl ?? null,
      },
      options,
    );
  });
}

/**
 * One sign-off; an approval's conditions become debt items owned by the signer (signOff), and
 * a condition met later is marked repaid by the signer. Returns the sign-off's id, once given.
 */
function scheduleSignOff(story: Story, seed: DemoSeed, r: ReviewStory, spec: SignOffSpec, signedAt: number): Ref {
  const signer = seed.users[spec.by];
  const given = ref();
  const conditions = (spec.conditions ?? []).map((c) => ({ spec: c, item: ref() }));
  story.at(signedAt, `${signer.name} signs off on ${r.label}`, (options) => {
    const signed = signOff(
      {
        actor: actorOf(signer),
        reviewId: known(r.review, `the review of ${r.label}`),
        decision: spec.decision,
        comment: spec.comment,
        conditions: conditions.map(({ spec: c }) => ({
          title: c.title,
          register: c.register,
          targetDate: addDays(utcDate(signedAt), c.targetInDays),
        })),
      },
      options,
    );
    given.id = signed.id;
    signed.conditionIds.forEach((id, n) => (conditions[n].item.id = id));
  });
  for (const { spec: c, item } of conditions) {
    if (!c.repaid) continue;
    const repaidAt = signedAt + c.repaid.daysAfter * DAY + jitter(`repaid:${r.label}:${c.title}`);
    const note = c.repaid.note;
    story.at(repaidAt, `${signer.name} meets the condition “${c.title}”`, (options) => {
      const itemId = known(item, `the condition “${c.title}”`);
      setDebtStatus(
        {
          actor: actorOf(signer),
          itemId,
          version: debtVersion(options.tx, itemId),
          today: utcDate(options.now),
          change: { to: "repaid", note },
        },
        options,
      );
    });
  }
  return given;
}

/**
 * A past review: opened by a member some days before the promotion, its attestations ticked
 * and its sign-offs given in between, then promoted by the owner at the instant the project
 * reached its next stage — refused by `promote` unless everything held then.
 */
function schedulePastReview(story: Story, seed: DemoSeed, spec: PastReviewSpec) {
  const project = seed.projects[spec.project];
  const index = project.promotions.findIndex((p) => p.to === spec.to);
  if (index < 0) fail(`${spec.project} was never promoted to ${spec.to}`);
  const promotion = project.promotions[index];
  const closedAt = promotion.at;
  const before = (days: number, label: string) => closedAt - days * DAY - jitter(`${spec.project}:${spec.to}:${label}`);
  const openedAt = before(spec.openedDaysBefore, "opened");
  const stageEnteredAt = project.promotions[index - 1]?.at ?? project.createdAt;
  if (openedAt <= stageEnteredAt) fail(`the review of ${spec.project} opened before it reached ${promotion.from}`);

  const r: ReviewStory = { project, review: ref(), label: `${project.name} to ${spec.to}` };
  scheduleOpening(story, seed, r, spec.openedBy, openedAt, spec.statement);
  for (const a of spec.attestations) {
    const at = before(a.daysBefore, `attest:${a.key}`);
    if (at <= openedAt || at >= closedAt) fail(`an attestation of ${r.label} lies outside its review`);
    scheduleAttestation(story, seed, r, a, at);
  }
  spec.signOffs.forEach((s, i) => {
    const at = before(s.daysBefore, `sign:${i}`);
    if (at <= openedAt || at >= closedAt) fail(`a sign-off of ${r.label} lies outside its review`);
    scheduleSignOff(story, seed, r, s, at);
  });
  const owner = seed.users[DEMO_PROJECTS[spec.project].owner];
  story.at(closedAt, `${owner.name} promotes ${r.label}`, (options) => {
    const reviewId = known(r.review, `the review of ${r.label}`);
    promote({ actor: actorOf(owner), reviewId }, options);
    promotion.reviewId = reviewId;
  });
}

/**
 * Press line 3, pilot -> production: business approved; data science approved, then Grace
 * updated data science's conditions on the recall requirement, so Farid's approval is stale
 * for data science only (Brigitte signed after the change); IT operations has not signed.
 */
function schedulePressLineOpenReview(story: Story, seed: DemoSeed, refs: Map<string, Ref>) {
  const project = seed.projects.pressLine3;
  const ago = (days: number, label: string) => story.now - days * DAY - jitter(`open:pressLine3:${label}`);
  const r: ReviewStory = { project, review: ref(), label: `${project.name} to production` };
  scheduleOpening(
    story,
    seed,
    r,
    "farid",
    ago(18, "opened"),
    "Six months of pilot on line 3 confirmed the backtest; the planners want the alarms on all presses of line 3 as a supported service.",
  );
  scheduleAttestation(
    story,
    seed,
    r,
    {
      key: "monitoring_operations_owner",
      by: "jonas",
      note: "The pilot scoring service has alarm-rate and data-drift dashboards with on-call paging; Jonas Berger (IT operations) is the operations owner.",
      evidenceUrl: "https://wiki.demo.triad/operations/press-line-3-scoring",
    },
    ago(13, "attest:monitoring"),
  );
  scheduleSignOff(
    story,
    seed,
    r,
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
  scheduleAssessment(
    story,
    seed,
    refs.get("press-recall") ?? fail("no recall requirement"),
    "Catch at least 60 % of press failures",
    assess(
      "grace",
      8,
      "feasible_with_conditions",
      "Measured over the six months of pilot.",
      "Press 3 was retrofitted during the pilot (recall 0.66 there); press 4 gets its oil-pressure sensors in next month's planned stop and stays at about 0.45 until then.",
    ),
    ago(8, "assess:recall"),
  );
  scheduleSignOff(
    story,
    seed,
    r,
    sign(
      "brigitte",
      6,
      "approve",
      "Six months of pilot: the alarms warned of 7 of the last 10 failures at least two days ahead. The planners want it on all presses of line 3, and press 4's retrofit is booked.",
    ),
    ago(6, "sign:business"),
  );
}

/**
 * Customer churn, pilot -> production: Kemal asked for changes and Dana (the owner) dismissed
 * that with a reason; data science signed; business then revised the call-list requirement
 * (both verdicts reset), so that sign-off is stale; business approved and Lena asked for
 * changes on the revised content; Inês replied to Lena's request and Dana asked Lena and Inês
 * by @mention.
 */
function scheduleChurnOpenReview(story: Story, seed: DemoSeed, refs: Map<string, Ref>) {
  const project = seed.projects.churn;
  const ago = (days: number, label: string) => story.now - days * DAY - jitter(`open:churn:${label}`);
  const r: ReviewStory = { project, review: ref(), label: `${project.name} to production` };
  scheduleOpening(
    story,
    seed,
    r,
    "ines",
    ago(24, "opened"),
    "Three months of pilot: the two teams' lists held 46 % of the customers who later gave notice. Sales wants it for all account managers before the autumn renewals.",
  );
  scheduleAttestation(
    story,
    seed,
    r,
    {
      key: "target_environment_ready",
      by: "kemal",
      note: "The scoring container runs in the EU CRM tenant's managed Kubernetes namespace; images are scanned on every build.",
    },
    ago(20, "attest:environment"),
  );
  scheduleSignOff(
    story,
    seed,
    r,
    sign(
      "ines",
      16,
      "approve",
      "Pilot: the two teams' top-50 lists held 46 % of the customers who later gave notice; model and features are ready.",
    ),
    ago(16, "sign:data_science"),
  );
  const objection = scheduleSignOff(
    story,
    seed,
    r,
    sign(
      "kemal",
      14,
      "changes_requested",
      "Before production I want a new data-protection impact assessment for scoring all 2,300 customers, not only the two pilot teams' accounts.",
    ),
    ago(14, "sign:it:kemal"),
  );
  const dana = seed.users.dana;
  story.at(ago(12, "dismiss:kemal"), `${dana.name} dismisses Kemal's objection`, (options) => {
    dismissChangesRequest(
      {
        actor: actorOf(dana),
        reviewId: known(r.review, "the churn review"),
        signOffId: known(objection, "Kemal's objection"),
        reason:
          "The data-protection officer's approval from the pilot gate covers every service-contract customer, not only the pilot teams, and the scoring still uses customer ids only (Kemal's own verdict on “No personal data outside the CRM tenant”). Nothing in the data changes for production.",
      },
      options,
    );
  });
  // Business changes what the call list must achieve: every discipline's signed content changes.
  scheduleRevision(story, seed, refs.get("churn-call-list") ?? fail("no call-list requirement"), {
    by: "dana",
    at: ago(9, "revise:call-list"),
    target: "Top-80 list delivered 120 days before each renewal date",
  });
  scheduleSignOff(
    story,
    seed,
    r,
    sign(
      "dana",
      8,
      "approve",
      "The pilot teams kept 9 contracts they expected to lose. Sales wants the longer list and more lead time from the start.",
    ),
    ago(8, "sign:business"),
  );
  const request = scheduleSignOff(
    story,
    seed,
    r,
    sign(
      "lena",
      5,
      "changes_requested",
      "The revised call list needs contract-end dates 120 days ahead; the CRM extract carries only 90. Please assess the revised requirement first.",
    ),
    ago(5, "sign:it:lena"),
  );
  const ines = seed.users.ines;
  story.at(ago(4, "comment:ines"), `${ines.name} replies to Lena's request`, (options) => {
    addComment(
      {
        actor: actorOf(ines),
        reviewId: known(r.review, "the churn review"),
        body: "Agreed. On the two-year backtest the top 80 at 120 days still hold 44 % of the leavers; I will give data science's verdict on the revised requirement once the extract question is settled.",
        replyToSignOffId: known(request, "Lena's request for changes"),
      },
      options,
    );
  });
  story.at(ago(3, "comment:dana"), `${dana.name} asks Lena and Inês`, (options) => {
    addComment(
      {
        actor: actorOf(dana),
        reviewId: known(r.review, "the churn review"),
        body: "@Lena can the CRM team extend the contract extract to 120 days before the autumn renewals? @Ines thank you — let's both assess the revised call list as soon as Lena knows.",
      },
      options,
    );
  });
}

/**
 * Requirements for every demo project, the promoted review behind every past promotion, and
 * the two open reviews, scheduled on the demo's story.
 */
export function scheduleDemoGates(story: Story, seed: DemoSeed): void {
  const refs = scheduleRequirements(story, seed);
  for (const spec of PAST_REVIEWS) schedulePastReview(story, seed, spec);
  for (const key of Object.keys(seed.projects) as ProjectKey[]) {
    for (const p of seed.projects[key].promotions) {
      if (!PAST_REVIEWS.some((r) => r.project === key && r.to === p.to))
        fail(`${key}'s promotion to ${p.to} has no gate review`);
    }
  }
  scheduleChurnOpenReview(story, seed, refs);
  schedulePressLineOpenReview(story, seed, refs);
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
