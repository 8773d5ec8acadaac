/** PATCH /api/v1/debt/:itemId/steps/:stepId {version, done} or {version, title?, ownerId?, dueDate?}. */
import { NotFoundError, ValidationError } from "~/domain/errors";
import { setRepaymentStepDone, updateRepaymentStep } from "~/models/debt.server";
import { apiResource, debtItemParam, endpoint, idParam, sentFields } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { debtItemView, stepOf } from "~/api/views.server";

const FIELDS = ["title", "ownerId", "dueDate"] as const;

const api = apiResource(
  endpoint(apiRoutes.updateRepaymentStep, ({ actor, params, body, sent }) => {
    const item = debtItemParam(params);
    const stepId = idParam(params, "stepId", "repayment step");
    const step = item.steps.find((s) => s.id === stepId);
    if (!step) throw new NotFoundError("That step is not part of this repayment plan.");
    const changes = sentFields(body, sent, FIELDS);
    const mutation = { actor, itemId: item.id, version: body.version, stepId };
    if (body.done !== undefined) {
      if (Object.keys(changes).length) {
        throw new ValidationError("Mark the step done on its own.", {
          done: "Send done in a request of its own, without title, owner or due date.",
        });
      }
      setRepaymentStepDone({ ...mutation, done: body.done });
    } else {
      if (!Object.keys(changes).length) {
        throw new ValidationError("Nothing to change.", { body: "Send done, or the fields to change." });
      }
      const { title, ownerId, dueDate } = step;
      updateRepaymentStep({ ...mutation, step: { title, ownerId, dueDate, ...changes } });
    }
    const debtItem = debtItemView(item.id);
    return { step: stepOf(debtItem, stepId), debtItem };
  }),
);

export const loader = api;
export const action = api;
