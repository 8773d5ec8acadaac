/**
 * Gate rules (docs/domain.md, "Gate reviews" and "Sign-off rules"): the default checklists, the
 * automatic criteria, what each member's sign-off is worth, each discipline's panel and the
 * sentences that stop a promotion.
 */
import { describe, expect, it } from "vitest";
import {
  AUTO_RULES,
  DEFAULT_CRITERIA,
  evaluateAutoCriterion,
  evaluateCriteria,
  evaluateCriterion,
  disciplinePanel,
  hasRepaymentPlan,
  isApproved,
  promotionBlockers,
  signOffStatus,
  type AutoRule,
  type CriterionResult,
  type CriterionState,
  type Fingerprints,
  type GateFacts,
  type SignOffState,
} from "../../app/domain/gates";

type Requirement = GateFacts["requirements"][number];
type Debt = GateFacts["debtItems"][number];

let nextId = 1;
const requirement = (over: Partial<Requirement> = {}): Requirement => ({
  id: nextId++,
  title: "Warn 48 h before failure",
  target: "recall >= 0.7",
  priority: "must",
  status: "active",
  feasibility: "feasible",
  ...over,
});
const debt = (over: Partial<Debt> = {}): Debt => ({
  id: nextId++,
  title: "Hard-coded SQL",
  status: "open",
  ownerId: 3,
  strategy: "Move it to the shared pipeline.",
  targetDate: "2026-03-01",
  repayBeforeStage: null,
  stepCount: 2,
  ...over,
});
const fullTeam: GateFacts["members"] = [
  { userId: 1, discipline: "business" },
  { userId: 2, discipline: "data_science" },
  { userId: 3, discipline: "it" },
];
const facts = (over: Partial<GateFacts> = {}): GateFacts => ({
  requirements: [],
  members: fullTeam,
  debtItems: [],
  ...over,
});

describe("DEFAULT_CRITERIA", () => {
  it("lists the default criteria to pilot (docs/domain.md), in order", () => {
    expect(DEFAULT_CRITERIA.pilot.map((c) => [c.key, c.kind, c.discipline])).toEqual([
      ["measurable_requirement", "auto", null],
      ["musts_assessed_none_infeasible", "auto", null],
      ["team_all_disciplines", "auto", null],
      ["ml_engineer_on_team", "attestation", null],
      ["data_access_quality_assessed", "attestation", null],
      ["privacy_security_reviewed", "attestation", null],
      ["open_debt_has_plan", "auto", null],
      ["no_open_debt_due_before_pilot", "auto", null],
    ]);
    expect(DEFAULT_CRITERIA.pilot[3].label).toBe("A data/ML engineer is on the team.");
  });

  it("lists the default criteria to production (docs/domain.md), in order", () => {
    expect(DEFAULT_CRITERIA.production.map((c) => [c.key, c.kind, c.discipline])).toEqual([
      ["all_requirements_feasible", "auto", null],
      ["no_open_debt_due_before_production", "auto", null],
      ["open_debt_has_owner_and_target", "auto", null],
      ["target_environment_ready", "attestation", "it"],
      ["monitoring_operations_owner", "attestation", null],
      ["data_governance", "attestation", null],
    ]);
  });

  it("uses every automatic rule exactly once, and labels are sentences", () => {
    const all = [...DEFAULT_CRITERIA.pilot, ...DEFAULT_CRITERIA.production];
    const autoKeys = all.filter((c) => c.kind === "auto").map((c) => c.key);
    expect([...autoKeys].sort()).toEqual([...AUTO_RULES].sort());
    for (const c of all) expect(c.label).toMatch(/^[A-Z].*\.$/);
    expect(new Set(all.map((c) => c.key)).size).toBe(all.length);
  });
});

describe("hasRepaymentPlan", () => {
  it.each([
    ["strategy and target date", { strategy: "x", targetDate: "2026-01-01", repayBeforeStage: null }, true],
    ["strategy and stage", { strategy: "x", targetDate: null, repayBeforeStage: "production" }, true],
    ["strategy only", { strategy: "x", targetDate: null, repayBeforeStage: null }, false],
    ["blank strategy", { strategy: "  ", targetDate: "2026-01-01", repayBeforeStage: null }, false],
    ["no strategy", { strategy: null, targetDate: "2026-01-01", repayBeforeStage: "pilot" }, false],
  ] as const)("%s -> %s", (_name, item, expected) => {
    expect(hasRepaymentPlan(item)).toBe(expected);
  });
});

describe("evaluateAutoCriterion", () => {
  const cases: Array<[AutoRule, string, GateFacts, CriterionResult]> = [
    // measurable_requirement
    [
      "measurable_requirement",
      "no requirements",
      facts(),
      {
        met: false,
        detail: "No active requirement has a measurable target yet. Business should state one.",
      },
    ],
    [
      "measurable_requirement",
      "only a blank target, and a withdrawn one",
      facts({
        requirements: [requirement({ target: "  " }), requirement({ status: "withdrawn", target: "precision >= 0.8" })],
      }),
      {
        met: false,
        detail: "No active requirement has a measurable target yet. Business should state one.",
      },
    ],
    [
      "measurable_requirement",
      "a could-have with a target counts",
      facts({ requirements: [requirement({ priority: "could", feasibility: "unassessed" })] }),
      { met: true, detail: "1 requirement has a measurable target." },
    ],
    [
      "measurable_requirement",
      "two",
      facts({ requirements: [requirement(), requirement({ target: "" }), requirement()] }),
      { met: true, detail: "2 requirements have a measurable target." },
    ],

    // musts_assessed_none_infeasible
    [
      "musts_assessed_none_infeasible",
      "two unassessed musts, one infeasible, a withdrawn infeasible and an unassessed should",
      facts({
        requirements: [
          requirement({ title: "Warn 48 h before failure", feasibility: "unassessed" }),
          requirement({ title: "Explain each warning", feasibility: "unassessed" }),
          requirement({ title: "Run on the edge device", feasibility: "infeasible" }),
          requirement({ title: "Old idea", feasibility: "infeasible", status: "withdrawn" }),
          requirement({ priority: "should", feasibility: "unassessed" }),
          requirement({ feasibility: "feasible" }),
        ],
      }),
      {
        met: false,
        detail:
          '2 must-have requirements are not assessed: "Warn 48 h before failure", "Explain each warning". ' +
          '1 must-have requirement is infeasible: "Run on the edge device". Revise, lower or withdraw it.',
      },
    ],
    [
      "musts_assessed_none_infeasible",
      "all assessed, one with conditions",
      facts({
        requirements: [
          requirement(),
          requirement({ feasibility: "feasible_with_conditions" }),
          requirement(),
          requirement({ priority: "should", feasibility: "infeasible" }), // not a must
        ],
      }),
      { met: true, detail: "All 3 must-haves are assessed and feasible (1 with conditions)." },
    ],
    [
      "musts_assessed_none_infeasible",
      "one must",
      facts({ requirements: [requirement()] }),
      { met: true, detail: "The one must-have is assessed and feasible." },
    ],
    [
      // Vacuously true: measurable_requirement makes sure there is something to build.
      "musts_assessed_none_infeasible",
      "no musts",
      facts({ requirements: [requirement({ priority: "should", feasibility: "unassessed" })] }),
      { met: true, detail: "There are no must-have requirements to assess." },
    ],
    [
      "musts_assessed_none_infeasible",
      "long lists are cut after five titles",
      facts({
        requirements: ["A", "B", "C", "D", "E", "F", "G"].map((title) =>
          requirement({ title, feasibility: "unassessed" }),
        ),
      }),
      {
        met: false,
        detail: '7 must-have requirements are not assessed: "A", "B", "C", "D", "E" and 2 more.',
      },
    ],

    // team_all_disciplines
    [
      "team_all_disciplines",
      "full team",
      facts(),
      { met: true, detail: "The team has members from all three disciplines." },
    ],
    [
      "team_all_disciplines",
      "no IT",
      facts({ members: fullTeam.slice(0, 2) }),
      { met: false, detail: "The team has no member from IT operations." },
    ],
    [
      "team_all_disciplines",
      "only data science",
      facts({
        members: [
          { userId: 2, discipline: "data_science" },
          { userId: 5, discipline: "data_science" },
        ],
      }),
      { met: false, detail: "The team has no member from Business and IT operations." },
    ],
    [
      "team_all_disciplines",
      "nobody",
      facts({ members: [] }),
      {
        met: false,
        detail: "The team has no member from Business, Data science and IT operations.",
      },
    ],

    // open_debt_has_plan
    ["open_debt_has_plan", "no debt", facts(), { met: true, detail: "There is no open debt." }],
    [
      "open_debt_has_plan",
      "repaid and accepted debt without plans does not count",
      facts({
        debtItems: [
          debt({ status: "repaid", strategy: null }),
          debt({ status: "accepted", strategy: null, targetDate: null }),
        ],
      }),
      { met: true, detail: "There is no open debt." },
    ],
    [
      "open_debt_has_plan",
      "missing strategy, missing dates",
      facts({
        debtItems: [
          debt(),
          debt({ title: "Manual export", strategy: null }),
          debt({ title: "No tests", status: "repaying", targetDate: null }),
          debt({ title: "Stage only", targetDate: null, repayBeforeStage: "production" }),
          debt({ title: "Nothing", strategy: "", targetDate: null }),
        ],
      }),
      {
        met: false,
        detail:
          '3 open debt items have no repayment plan: "Manual export" (no strategy), ' +
          '"No tests" (no target date or stage), "Nothing" (no strategy, no target date or stage).',
      },
    ],
    [
      "open_debt_has_plan",
      "all planned",
      facts({ debtItems: [debt(), debt({ targetDate: null, repayBeforeStage: "pilot" })] }),
      { met: true, detail: "Both open debt items have a repayment plan." },
    ],

    // all_requirements_feasible
    [
      "all_requirements_feasible",
      "no active requirements",
      facts({ requirements: [requirement({ status: "withdrawn" })] }),
      {
        met: false,
        detail: "There are no active requirements. Business should state what production must achieve.",
      },
    ],
    [
      "all_requirements_feasible",
      "a should unassessed, a could infeasible",
      facts({
        requirements: [
          requirement(),
          requirement({ title: "Dashboard", priority: "should", feasibility: "unassessed" }),
          requirement({ title: "Real time", priority: "could", feasibility: "infeasible" }),
          requirement({ title: "Withdrawn", feasibility: "infeasible", status: "withdrawn" }),
        ],
      }),
      {
        met: false,
        detail: '1 requirement is not assessed: "Dashboard". 1 requirement is infeasible: "Real time".',
      },
    ],
    [
      "all_requirements_feasible",
      "feasible with conditions counts",
      facts({
        requirements: [
          requirement(),
          requirement({ feasibility: "feasible_with_conditions" }),
          requirement({ priority: "could" }),
        ],
      }),
      { met: true, detail: "All 3 requirements are feasible (1 with conditions)." },
    ],
    [
      "all_requirements_feasible",
      "one",
      facts({ requirements: [requirement()] }),
      { met: true, detail: "The one requirement is feasible." },
    ],

    // no_open_debt_due_before_production
    [
      "no_open_debt_due_before_production",
      "items due before production or an earlier stage (late)",
      facts({
        debtItems: [
          debt({ title: "Manual export", repayBeforeStage: "production" }),
          debt({ title: "No tests", status: "repaying", repayBeforeStage: "pilot" }),
          debt({ title: "Repaid", status: "repaid", repayBeforeStage: "production" }),
          debt({ title: "Accepted", status: "accepted", repayBeforeStage: "production" }),
          debt({ title: "Date only", repayBeforeStage: null }),
        ],
      }),
      {
        met: false,
        detail: '2 open debt items must be repaid before production: "Manual export", "No tests" (due before Pilot).',
      },
    ],
    [
      "no_open_debt_due_before_production",
      "nothing due",
      facts({ debtItems: [debt()] }),
      { met: true, detail: "No open debt item is due before production." },
    ],

    // no_open_debt_due_before_pilot
    [
      "no_open_debt_due_before_pilot",
      "items due before pilot or proof of concept (late); later stages and closed items do not count",
      facts({
        debtItems: [
          debt({ title: "Manual export", repayBeforeStage: "pilot" }),
          debt({ title: "Notebook in production", status: "repaying", repayBeforeStage: "poc" }),
          debt({ title: "Later", repayBeforeStage: "production" }),
          debt({ title: "Repaid", status: "repaid", repayBeforeStage: "pilot" }),
          debt({ title: "Accepted", status: "accepted", repayBeforeStage: "pilot" }),
          debt({ title: "Date only", repayBeforeStage: null }),
        ],
      }),
      {
        met: false,
        detail: '2 open debt items must be repaid before pilot: "Manual export", "Notebook in production".',
      },
    ],
    [
      "no_open_debt_due_before_pilot",
      "one item due",
      facts({ debtItems: [debt({ title: "Manual export", repayBeforeStage: "pilot" })] }),
      { met: false, detail: '1 open debt item must be repaid before pilot: "Manual export".' },
    ],
    [
      "no_open_debt_due_before_pilot",
      "nothing due before pilot",
      facts({ debtItems: [debt({ repayBeforeStage: "production" }), debt()] }),
      { met: true, detail: "No open debt item is due before pilot." },
    ],

    // open_debt_has_owner_and_target
    [
      "open_debt_has_owner_and_target",
      "missing owner and/or target date",
      facts({
        debtItems: [
          debt(),
          debt({ title: "A", ownerId: null }),
          debt({ title: "B", targetDate: null, repayBeforeStage: "production" }),
          debt({ title: "C", ownerId: null, targetDate: null }),
          debt({ title: "D", status: "accepted", ownerId: null, targetDate: null }),
        ],
      }),
      {
        met: false,
        detail:
          '3 open debt items lack an owner or a target date: "A" (no owner), "B" (no target date), ' +
          '"C" (no owner, no target date).',
      },
    ],
    [
      "open_debt_has_owner_and_target",
      "one complete item",
      facts({ debtItems: [debt()] }),
      { met: true, detail: "The one open debt item has an owner and a target date." },
    ],
    ["open_debt_has_owner_and_target", "no debt", facts(), { met: true, detail: "There is no open debt." }],
  ];

  it.each(cases)("%s: %s", (rule, _name, input, expected) => {
    expect(evaluateAutoCriterion(rule, input)).toEqual(expected);
  });

  it("has a case for every rule", () => {
    expect(new Set(cases.map(([rule]) => rule))).toEqual(new Set(AUTO_RULES));
  });

  it("does not meet an unknown rule", () => {
    const result = evaluateAutoCriterion("made_up" as AutoRule, facts());
    expect(result.met).toBe(false);
    expect(result.detail).toContain('"made_up" is not a known automatic check');
  });
});

describe("evaluateCriterion", () => {
  const attestation = (over: Partial<CriterionState> = {}): CriterionState => ({
    key: "target_environment_ready",
    label: "The target environment is defined and provides the tools the product needs.",
    kind: "attestation",
    discipline: "it",
    ...over,
  });

  it.each<[string, CriterionState, CriterionResult]>([
    ["not attested, IT", attestation(), { met: false, detail: "Not yet attested (IT operations)." }],
    [
      "not attested, anyone",
      attestation({ discipline: null }),
      { met: false, detail: "Not yet attested (any team member)." },
    ],
    [
      "attested with a note",
      attestation({
        attestedByName: "Ada",
        attestedAt: 1,
        attestationNote: "Kubernetes namespace ready. ",
      }),
      { met: true, detail: 'Attested by Ada: "Kubernetes namespace ready."' },
    ],
    [
      "attested without a note",
      attestation({ attestedByName: "Ada", attestedAt: 1, attestationNote: null }),
      { met: true, detail: "Attested by Ada." },
    ],
    ["attested, name unknown", attestation({ attestedAt: 1 }), { met: true, detail: "Attested." }],
  ])("%s", (_name, criterion, expected) => {
    expect(evaluateCriterion(criterion, facts())).toEqual(expected);
  });

  it("runs the rule named by an automatic criterion's key", () => {
    const criterion = DEFAULT_CRITERIA.pilot[2]; // team_all_disciplines
    expect(evaluateCriterion(criterion, facts({ members: [] })).met).toBe(false);
    expect(evaluateCriterion(criterion, facts()).met).toBe(true);
  });

  it("does not meet an automatic criterion with an unknown key", () => {
    const result = evaluateCriterion(
      { key: "typo_rule", label: "Something.", kind: "auto", discipline: null },
      facts(),
    );
    expect(result).toEqual({
      met: false,
      detail: '"typo_rule" is not a known automatic check, so it cannot be met. An admin should fix the gate template.',
    });
  });

  it("evaluates a whole checklist in order, keeping each criterion's fields", () => {
    const results = evaluateCriteria(DEFAULT_CRITERIA.pilot, facts());
    expect(results.map((r) => [r.key, r.met])).toEqual([
      ["measurable_requirement", false],
      ["musts_assessed_none_infeasible", true],
      ["team_all_disciplines", true],
      ["ml_engineer_on_team", false],
      ["data_access_quality_assessed", false],
      ["privacy_security_reviewed", false],
      ["open_debt_has_plan", true],
      ["no_open_debt_due_before_pilot", true],
    ]);
  });
});

// ---------- sign-offs ----------

/** Each discipline's live fingerprint: "b", "d" and "i" unless a test changes one. */
const live: Fingerprints = { business: "b", data_science: "d", it: "i" };

const signOff = (over: Partial<SignOffState> = {}): SignOffState => ({
  discipline: "business",
  userId: 1,
  userName: "Barbara",
  decision: "approve",
  fingerprint: "b",
  ...over,
});

/** Two data scientists (Grace and Hedy) besides the full team. */
const twoScientists: GateFacts["members"] = [...fullTeam, { userId: 4, discipline: "data_science" }];
const grace = (over: Partial<SignOffState> = {}) =>
  signOff({ discipline: "data_science", userId: 2, userName: "Grace", fingerprint: "d", ...over });
const hedy = (over: Partial<SignOffState> = {}) =>
  signOff({ discipline: "data_science", userId: 4, userName: "Hedy", fingerprint: "d", ...over });
const barbara = (over: Partial<SignOffState> = {}) => signOff(over);
const ada = (over: Partial<SignOffState> = {}) =>
  signOff({ discipline: "it", userId: 3, userName: "Ada", fingerprint: "i", ...over });

describe("signOffStatus: what one member's current sign-off is worth", () => {
  it.each<[string, SignOffState, string]>([
    ["an approval on unchanged concerns", barbara(), "approved"],
    ["with conditions", barbara({ decision: "approve_with_conditions" }), "approved_with_conditions"],
    ["changes requested", barbara({ decision: "changes_requested" }), "changes_requested"],
    // an objection is not lifted by later changes: only its author or the owner lifts it
    [
      "changes requested on content that changed since",
      barbara({ decision: "changes_requested", fingerprint: "old" }),
      "changes_requested",
    ],
    [
      "changes requested by someone who left the team",
      barbara({ decision: "changes_requested", userId: 99 }),
      "changes_requested",
    ],
    [
      "changes requested, dismissed by the owner",
      barbara({ decision: "changes_requested", dismissedAt: 5 }),
      "dismissed",
    ],
    ["concerns changed since", barbara({ fingerprint: "old" }), "stale"],
    ["signer left the team", barbara({ userId: 99 }), "invalid"],
    // user 2 is on the team, but for data science
    ["signer sits in another discipline", barbara({ userId: 2 }), "invalid"],
    // invalid wins over stale: the same person cannot renew it
    ["left the team and stale", barbara({ userId: 99, fingerprint: "old" }), "invalid"],
  ])("%s -> %s", (_name, s, expected) => {
    expect(signOffStatus(s, live[s.discipline], fullTeam)).toBe(expected);
  });

  it("compares with the signer's own discipline's fingerprint only", () => {
    expect(signOffStatus(ada(), "i", fullTeam)).toBe("approved");
    expect(signOffStatus(ada(), "d", fullTeam)).toBe("stale");
  });
});

describe("disciplinePanel: one discipline's standing", () => {
  it("two members, one approves and one requests changes: changes requested, one approval", () => {
    const panel = disciplinePanel(
      "data_science",
      [grace(), hedy({ decision: "changes_requested" }), barbara()],
      live,
      twoScientists,
    );
    expect(panel.status).toBe("changes_requested");
    expect(panel.approvals).toBe(1);
    expect(panel.required).toBe(1);
    expect(panel.signOffs.map((s) => [s.userName, s.standing])).toEqual([
      ["Grace", "approved"],
      ["Hedy", "changes_requested"],
    ]);
    expect(isApproved(panel.status)).toBe(false);
  });

  it("a dismissed objection no longer blocks", () => {
    const panel = disciplinePanel(
      "data_science",
      [grace(), hedy({ decision: "changes_requested", dismissedAt: 1 })],
      live,
      twoScientists,
    );
    expect(panel.status).toBe("approved");
    expect(isApproved(panel.status)).toBe(true);
  });

  it("an objection whose author left the team still blocks", () => {
    const panel = disciplinePanel("data_science", [grace(), hedy({ decision: "changes_requested" })], live, fullTeam);
    expect(panel.status).toBe("changes_requested");
  });

  it("a stale approval is covered by a colleague's fresh one when one approval is required, not when two are", () => {
    const signOffs = [grace(), hedy({ fingerprint: "old" })];
    expect(disciplinePanel("data_science", signOffs, live, twoScientists, 1)).toMatchObject({
      status: "approved",
      approvals: 1,
      required: 1,
    });
    expect(disciplinePanel("data_science", signOffs, live, twoScientists, 2)).toMatchObject({
      status: "stale",
      approvals: 1,
      required: 2,
    });
    expect(disciplinePanel("data_science", [grace(), hedy()], live, twoScientists, 2)).toMatchObject({
      status: "approved",
      approvals: 2,
    });
  });

  it("with conditions from any counting member, the panel is approved with conditions", () => {
    const panel = disciplinePanel(
      "data_science",
      [grace(), hedy({ decision: "approve_with_conditions" })],
      live,
      twoScientists,
      2,
    );
    expect(panel.status).toBe("approved_with_conditions");
  });

  it("missing without sign-offs, invalid when only a former member signed", () => {
    expect(disciplinePanel("it", [barbara()], live, fullTeam).status).toBe("missing");
    expect(disciplinePanel("it", [ada()], live, fullTeam.slice(0, 2)).status).toBe("invalid");
    expect(disciplinePanel("it", [ada({ fingerprint: "old" })], live, fullTeam).status).toBe("stale");
  });
});

describe("promotionBlockers", () => {
  const metCriteria = evaluateCriteria(
    DEFAULT_CRITERIA.production.map((c) =>
      c.kind === "attestation" ? { ...c, attestedAt: 1, attestedByName: "Ada" } : c,
    ),
    facts({ requirements: [requirement()] }),
  );
  const approvals = [barbara(), grace({ decision: "approve_with_conditions" }), ada()];
  const input = (
    over: Partial<Parameters<typeof promotionBlockers>[0]> = {},
  ): Parameters<typeof promotionBlockers>[0] => ({
    criteria: metCriteria,
    signOffs: approvals,
    fingerprints: live,
    members: twoScientists,
    ...over,
  });

  it("is empty with an approval from each discipline and every criterion met", () => {
    expect(metCriteria.every((c) => c.met)).toBe(true);
    expect(promotionBlockers(input())).toEqual([]);
  });

  it("names each discipline that has not signed", () => {
    expect(promotionBlockers(input({ signOffs: [approvals[1]] }))).toEqual([
      "Business has not signed off.",
      "IT operations has not signed off.",
    ]);
  });

  it("two data scientists: one approves, one requests changes — blocked, and the sentence says who can lift it", () => {
    const signOffs = [...approvals, hedy({ decision: "changes_requested" })];
    expect(promotionBlockers(input({ signOffs }))).toEqual([
      "Hedy requested changes for Data science; Hedy must renew the sign-off, or the project owner must dismiss the request with a reason.",
    ]);
  });

  it("a dismissed request for changes does not block", () => {
    const signOffs = [...approvals, hedy({ decision: "changes_requested", dismissedAt: 10 })];
    expect(promotionBlockers(input({ signOffs }))).toEqual([]);
  });

  it("an objector who is no longer a member still blocks", () => {
    const signOffs = [...approvals, hedy({ decision: "changes_requested" })];
    expect(promotionBlockers(input({ signOffs, members: fullTeam }))).toEqual([
      "Hedy requested changes for Data science; Hedy must renew the sign-off, or the project owner must dismiss the request with a reason.",
    ]);
  });

  it("the only sign-off of a discipline requests changes: that sentence alone, not also 'has not approved'", () => {
    const signOffs = [barbara(), grace({ decision: "changes_requested" }), ada()];
    expect(promotionBlockers(input({ signOffs }))).toEqual([
      "Grace requested changes for Data science; Grace must renew the sign-off, or the project owner must dismiss the request with a reason.",
    ]);
  });

  it("a stale approval with a colleague's fresh one is enough when one approval is required", () => {
    const signOffs = [barbara(), grace(), hedy({ fingerprint: "old" }), ada()];
    expect(promotionBlockers(input({ signOffs }))).toEqual([]);
  });

  it("with two approvals required, a stale approval and a fresh one block: the discipline needs 2 and has 1", () => {
    // Business and IT have two fresh approvals each; data science has Grace's and Hedy's stale one.
    const members = [
      ...twoScientists,
      { userId: 5, discipline: "business" as const },
      { userId: 6, discipline: "it" as const },
    ];
    const signOffs = [
      barbara(),
      barbara({ userId: 5, userName: "Bob" }),
      grace(),
      hedy({ fingerprint: "old" }),
      ada(),
      ada({ userId: 6, userName: "Ian" }),
    ];
    expect(promotionBlockers(input({ signOffs, members, requiredApprovals: 1 }))).toEqual([]);
    const blockers = promotionBlockers(input({ signOffs, members, requiredApprovals: 2 }));
    expect(blockers).toEqual([
      "Data science needs 2 approvals; it has 1.",
      "Hedy's sign-off for Data science is stale: what concerns Data science changed after Hedy signed. Hedy must renew it.",
    ]);
  });

  it("with two approvals required, says how many each discipline has", () => {
    const signOffs = [barbara(), grace(), hedy()];
    expect(promotionBlockers(input({ signOffs, requiredApprovals: 2 }))).toEqual([
      "Business needs 2 approvals; it has 1.",
      "IT operations has not signed off; it needs 2 approvals.",
    ]);
  });

  it("refuses a stale approval and says who must renew it and why", () => {
    const signOffs = [approvals[0], approvals[1], ada({ fingerprint: "before-edit" })];
    expect(promotionBlockers(input({ signOffs }))).toEqual([
      "Ada's sign-off for IT operations is stale: what concerns IT operations changed after Ada signed. Ada must renew it.",
    ]);
  });

  it("refuses a sign-off from someone no longer in that discipline", () => {
    const members = twoScientists.filter((m) => m.userId !== 3);
    expect(promotionBlockers(input({ members }))).toEqual([
      "Ada's sign-off for IT operations no longer counts: Ada is not an IT operations member of the team any more. An IT operations member must sign.",
    ]);
  });

  it("an invalid signer of data science is named with 'a Data science member'", () => {
    const signOffs = [
      barbara(),
      ada(),
      signOff({ discipline: "data_science", userId: 1, userName: "Barbara", fingerprint: "d" }),
    ];
    expect(promotionBlockers(input({ signOffs }))).toEqual([
      "Barbara's sign-off for Data science no longer counts: Barbara is not a Data science member of the team any more. A Data science member must sign.",
    ]);
  });

  it("lists each unmet criterion with its label and detail", () => {
    const criteria = evaluateCriteria(DEFAULT_CRITERIA.production, facts({ requirements: [requirement()] }));
    expect(promotionBlockers(input({ criteria }))).toEqual([
      "Criterion not met: The target environment is defined and provides the tools the product needs — Not yet attested (IT operations).",
      "Criterion not met: Monitoring is in place and an operations owner is named — Not yet attested (any team member).",
      "Criterion not met: Data governance is in place: a data owner is named and data quality checks are automated — Not yet attested (any team member).",
    ]);
  });

  it("blocks the gate to pilot while open debt is due before pilot", () => {
    const pilotFacts = facts({
      requirements: [requirement()],
      debtItems: [debt({ title: "Manual export", repayBeforeStage: "pilot" })],
    });
    const criteria = evaluateCriteria(
      DEFAULT_CRITERIA.pilot.map((c) =>
        c.kind === "attestation" ? { ...c, attestedAt: 1, attestedByName: "Ada" } : c,
      ),
      pilotFacts,
    );
    expect(promotionBlockers(input({ criteria }))).toEqual([
      'Criterion not met: No open debt item is due to be repaid before pilot — 1 open debt item must be repaid before pilot: "Manual export".',
    ]);
  });

  it("reports every problem in a fixed order: missing, stale, changes requested, invalid, criteria", () => {
    const members: GateFacts["members"] = [
      { userId: 1, discipline: "business" },
      { userId: 3, discipline: "it" },
      { userId: 4, discipline: "data_science" },
    ];
    const signOffs = [
      ada({ decision: "changes_requested" }),
      hedy({ fingerprint: "old" }),
      signOff({ discipline: "data_science", userId: 2, userName: "Grace", fingerprint: "d" }),
    ];
    const criteria = [{ ...DEFAULT_CRITERIA.pilot[0], met: false, detail: "No target." }];
    expect(promotionBlockers({ criteria, signOffs, fingerprints: live, members })).toEqual([
      "Business has not signed off.",
      "Hedy's sign-off for Data science is stale: what concerns Data science changed after Hedy signed. Hedy must renew it.",
      "Ada requested changes for IT operations; Ada must renew the sign-off, or the project owner must dismiss the request with a reason.",
      "Grace's sign-off for Data science no longer counts: Grace is not a Data science member of the team any more. A Data science member must sign.",
      "Criterion not met: At least one requirement has a measurable target — No target.",
    ]);
  });
});
