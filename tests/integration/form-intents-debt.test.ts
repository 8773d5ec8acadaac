/**
 * The debt pages' forms (Conform, docs/architecture.md "Forms"): each action reaches one
 * handler per intent, answers an unknown or missing intent with a 400 that changes nothing,
 * and refuses bad input with Conform's result: the message next to the field the page shows
 * it by, the values that were sent (to refill the form), and the intent (so only the form
 * that sent it shows it). Where the schema refuses, the message is the one the browser gives
 * with the same schema before anything is sent.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { dateInputError } from "~/domain/dates";
import { addRepaymentStep, getDebtItem, updateDebtItem } from "~/models/debt.server";
import * as registerRoute from "~/routes/projects.$slug.debt";
import * as itemRoute from "~/routes/projects.$slug.debt_.$itemId";
import {
  debtDetailsSchema,
  debtPlanSchema,
  debtStatusFormSchema,
  editStepSchema,
  newDebtItemSchema,
  repaymentStepSchema,
  stepActionSchema,
} from "~/utils/debt-validation";
import { resetDatabase } from "../support/database";
import {
  expectRefusal,
  expectUnknownIntentRefused,
  snapshotTables,
  unknownIntentCases,
  withIntent,
  type IntentRefusal,
} from "../support/form-intents";
import type { Form } from "../support/form-schemas";
import { callAction } from "../support/requests";
import { actorOf, createDebtWorld, logItem, toastOf, type DebtWorld } from "./debt-support";

let world: DebtWorld;
let itemId: number;
let firstStep: number;
let lastStep: number;

beforeAll(async () => {
  resetDatabase();
  world = await createDebtWorld("Form intents");
  const item = logItem(world);
  itemId = item.id;
  const actor = actorOf(world.scientist);
  updateDebtItem({
    actor,
    itemId,
    version: item.version,
    plan: { strategy: "Move the join into the pipeline.", targetDate: "2099-12-31", repayBeforeStage: "pilot" },
  });
  const step = (title: string) =>
    addRepaymentStep({
      actor,
      itemId,
      version: getDebtItem(itemId)!.version,
      step: { title, ownerId: null, dueDate: "2099-06-30" },
    });
  step("Write the join in SQL");
  step("Delete the notebook");
  const steps = getDebtItem(itemId)!.steps;
  firstStep = steps[0].id;
  lastStep = steps[1].id;
});

const version = () => String(getDebtItem(itemId)!.version);
const itemPath = () => `/projects/${world.project.slug}/debt/${itemId}`;
const registerPath = () => `/projects/${world.project.slug}/debt`;

function postItem(form: Form, cookie = world.cookies.scientist) {
  return callAction(itemRoute.action, itemPath(), {
    params: { slug: world.project.slug, itemId: String(itemId) },
    cookie,
    form,
  });
}

function postRegister(form: Form, cookie = world.cookies.scientist) {
  return callAction(registerRoute.action, registerPath(), { params: { slug: world.project.slug }, cookie, form });
}

describe("an unknown or missing intent is a 400 and changes nothing", () => {
  const cases = [
    ...unknownIntentCases("register page", "register", [["an item page's intent", "details"]]),
    ...unknownIntentCases("item page", "item", [
      ["the register page's intent", "create"],
      ["an intent in another case", "STATUS"],
    ]),
  ];

  it.each(cases)("%s", async (_name, page, intent) => {
    // A form that would be valid for some handler: only the intent is wrong.
    const form = withIntent(intent, {
      version: version(),
      register: "technical",
      title: "Valid title for any handler",
      category: "hard_coded_logic",
      stageIncurred: "poc",
      severity: "low",
      to: "repaying",
      stepId: String(firstStep),
    });
    await expectUnknownIntentRefused(() => (page === "register" ? postRegister(form) : postItem(form)));
  });

  it("checks the permission first: a non-member gets the same 403 whatever the intent", async () => {
    const before = snapshotTables();
    for (const intent of ["delete", "create"]) {
      const result = await postRegister({ intent, title: "Sneaky" }, world.cookies.outsider);
      expect(result).toMatchObject({ status: 403, thrown: true });
    }
    for (const intent of ["delete", "status"]) {
      const result = await postItem({ intent, to: "repaying", version: version() }, world.cookies.outsider);
      expect(result).toMatchObject({ status: 403, thrown: true });
    }
    expect(snapshotTables()).toEqual(before);
  });
});

type Refusal = IntentRefusal<"register" | "item"> & { status: 400 | 409 };

const details = (): Form => ({
  intent: "details",
  version: version(),
  register: "technical",
  title: "Hard-coded sensor join",
  description: "A notebook cell with constants.",
  category: "hard_coded_logic",
  benefit: "Results for the committee.",
  stageIncurred: "poc",
  severity: "high",
  principalDays: "5",
  interestDays: "1",
  ownerId: "",
});

const refusals: Refusal[] = [
  {
    name: "create: a title too short",
    page: "register",
    form: () => ({ ...details(), intent: "create", version: "", title: "ab" }),
    status: 400,
    field: "title",
    message: "Enter a title of at least 3 characters.",
    schema: newDebtItemSchema,
  },
  {
    name: "create: a category of the other register",
    page: "register",
    form: () => ({ ...details(), intent: "create", version: "", category: "data_access" }),
    status: 400,
    field: "category",
    message: "Choose one of the technical register's categories.",
    schema: newDebtItemSchema,
  },
  {
    name: "create: an owner from outside the team (the model's check)",
    page: "register",
    form: () => ({ ...details(), intent: "create", version: "", ownerId: String(world.outsider.id) }),
    status: 400,
    field: "ownerId",
    message: "Choose an owner from the project's members (add them to the team first).",
  },
  {
    name: "details: a principal that is not a number",
    page: "item",
    form: () => ({ ...details(), principalDays: "lots" }),
    status: 400,
    field: "principalDays",
    message: "Enter the principal as a number of person-days, like 3 or 2.5.",
    schema: debtDetailsSchema,
  },
  {
    name: "details: read at an older version",
    page: "item",
    form: () => ({ ...details(), version: "1" }),
    status: 409,
    field: "form",
    message: /was changed by someone else since you opened the page/,
  },
  {
    name: "plan: an impossible target date",
    page: "item",
    form: () => ({
      intent: "plan",
      version: version(),
      strategy: "Rewrite it.",
      targetDate: "2027-02-30",
      repayBeforeStage: "",
    }),
    status: 400,
    field: "targetDate",
    message: dateInputError("2027-02-30")!,
    schema: debtPlanSchema,
  },
  {
    name: "plan: a target date before a step (the model's check)",
    page: "item",
    form: () => ({
      intent: "plan",
      version: version(),
      strategy: "Rewrite it.",
      targetDate: "2099-01-01",
      repayBeforeStage: "",
    }),
    status: 400,
    field: "targetDate",
    message: /Step 1 is due on 2099-06-30, after the plan's target date 2099-01-01/,
  },
  {
    name: "add-step: a title too short",
    page: "item",
    form: () => ({ intent: "add-step", version: version(), title: "ab", ownerId: "", dueDate: "2099-01-01" }),
    status: 400,
    field: "title",
    message: "Enter what the step does, in at least 3 characters.",
    schema: repaymentStepSchema,
  },
  {
    name: "edit-step: no step named",
    page: "item",
    form: () => ({ intent: "edit-step", version: version(), title: "Port the join", ownerId: "", dueDate: "" }),
    status: 400,
    field: "stepId",
    message: "No such step.",
    schema: editStepSchema,
  },
  {
    name: "edit-step: due after the target date (the model's check)",
    page: "item",
    form: () => ({
      intent: "edit-step",
      version: version(),
      stepId: String(firstStep),
      title: "Port the join",
      ownerId: "",
      dueDate: "2100-01-15",
    }),
    status: 400,
    field: "dueDate",
    message: "Step 1 is due on 2100-01-15, after the plan's target date 2099-12-31. Move the step or the target.",
  },
  {
    name: "step-done: a step id that is not one",
    page: "item",
    form: () => ({ intent: "step-done", version: version(), stepId: "first" }),
    status: 400,
    field: "stepId",
    message: "No such step.",
    schema: stepActionSchema,
  },
  {
    name: "step-undone: a step that is not done",
    page: "item",
    form: () => ({ intent: "step-undone", version: version(), stepId: String(firstStep) }),
    status: 409,
    field: "form",
    message: "Step 1 “Write the join in SQL” is already not done.",
  },
  {
    name: "step-up: the first step",
    page: "item",
    form: () => ({ intent: "step-up", version: version(), stepId: String(firstStep) }),
    status: 409,
    field: "form",
    message: "Step “Write the join in SQL” is already first.",
  },
  {
    name: "step-down: the last step",
    page: "item",
    form: () => ({ intent: "step-down", version: version(), stepId: String(lastStep) }),
    status: 409,
    field: "form",
    message: "Step “Delete the notebook” is already last.",
  },
  {
    name: "step-remove: no version",
    page: "item",
    form: () => ({ intent: "step-remove", version: "", stepId: String(lastStep) }),
    status: 400,
    field: "version",
    message: "Reload the page and try again.",
    schema: stepActionSchema,
  },
  {
    name: "status: accepted without a justification",
    page: "item",
    form: () => ({
      intent: "status",
      version: version(),
      to: "accepted",
      note: "",
      justification: "",
      reviewDate: "2999-01-01",
    }),
    status: 400,
    field: "justification",
    message: "Explain why this debt is kept on purpose.",
    schema: debtStatusFormSchema,
  },
  {
    name: "status: repaid without a note",
    page: "item",
    form: () => ({ intent: "status", version: version(), to: "repaid", note: "  " }),
    status: 400,
    field: "note",
    message: "Say how the debt was repaid.",
    schema: debtStatusFormSchema,
  },
  {
    name: "status: accepted with a review date in the past",
    page: "item",
    form: () => ({
      intent: "status",
      version: version(),
      to: "accepted",
      justification: "Good enough for the pilot.",
      reviewDate: "2001-01-01",
    }),
    status: 400,
    field: "reviewDate",
    message: /The review date must be after today/,
    schema: debtStatusFormSchema,
  },
  {
    name: "status: written off by hand (the model's rule)",
    page: "item",
    form: () => ({ intent: "status", version: version(), to: "written_off", note: "Done with it." }),
    status: 409,
    field: "form",
    message: "Debt is written off only when its project is stopped, from the project's page.",
  },
];

describe("each intent's refusal: the message by its field, the values sent, the intent", () => {
  it.each(refusals.map((r) => [r.name, r] as const))("%s", async (_name, refusal) => {
    await expectRefusal(refusal, (form) => (refusal.page === "register" ? postRegister(form) : postItem(form)), {
      intents: ["plan", "details"],
    });
  });

  it("covers every intent of both pages", () => {
    const intents = new Set(refusals.map((r) => r.form().intent));
    expect([...intents].sort()).toEqual(
      [
        "create",
        "details",
        "plan",
        "add-step",
        "edit-step",
        "step-done",
        "step-undone",
        "step-up",
        "step-down",
        "step-remove",
        "status",
      ].sort(),
    );
  });

  it("a refusal by the step's row carries its step, so only that row shows it", async () => {
    const result = await postItem({ intent: "step-up", version: version(), stepId: String(firstStep) });
    expect(result.status).toBe(409);
    expect(result.data.initialValue).toMatchObject({ intent: "step-up", stepId: String(firstStep) });
  });
});

describe("the same intents accepted", () => {
  it("each intent still does its work and says so", async () => {
    const item = logItem(world);
    const path = `/projects/${world.project.slug}/debt/${item.id}`;
    const post = async (form: Form) => {
      const result = await callAction(itemRoute.action, path, {
        params: { slug: world.project.slug, itemId: String(item.id) },
        cookie: world.cookies.scientist,
        form: { ...form, version: String(getDebtItem(item.id)!.version) },
      });
      expect(result).toMatchObject({ status: 302, location: path });
      return toastOf(result.headers);
    };
    expect(await post({ intent: "plan", strategy: "Pipeline.", targetDate: "2099-12-31", repayBeforeStage: "" })).toBe(
      "The repayment plan was saved.",
    );
    expect(await post({ intent: "add-step", title: "First step", ownerId: "", dueDate: "" })).toBe(
      "Step “First step” was added.",
    );
    await post({ intent: "add-step", title: "Second step", ownerId: "", dueDate: "" });
    const [one, two] = getDebtItem(item.id)!.steps;
    expect(
      await post({ intent: "edit-step", stepId: String(one.id), title: "First, renamed", ownerId: "", dueDate: "" }),
    ).toBe("Step “First, renamed” was saved.");
    expect(await post({ intent: "step-down", stepId: String(one.id) })).toBe("The steps were reordered.");
    expect(getDebtItem(item.id)!.steps.map((s) => s.title)).toEqual(["Second step", "First, renamed"]);
    await post({ intent: "step-up", stepId: String(one.id) });
    expect(await post({ intent: "step-done", stepId: String(one.id) })).toBe("Step marked done.");
    expect(await post({ intent: "step-undone", stepId: String(one.id) })).toBe("Step marked not done.");
    expect(await post({ intent: "step-remove", stepId: String(two.id) })).toBe("The step was removed.");
    expect(getDebtItem(item.id)!.steps.map((s) => s.title)).toEqual(["First, renamed"]);
    expect(await post({ intent: "status", to: "repaying" })).toBe("Repayment has started.");
    expect(await post({ ...details(), title: "Renamed through the page" })).toBe("The details were saved.");
    expect(getDebtItem(item.id)).toMatchObject({ title: "Renamed through the page", status: "repaying" });
  });
});
