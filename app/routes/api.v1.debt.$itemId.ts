/**
 * GET /api/v1/debt/:itemId and PATCH (needs version): details and plan fields change in one
 * write; a `status` change (with its note, justification, review date) is a write of its own.
 */
import { orgToday } from "~/lib/org-time-zone.server";
import { ValidationError } from "~/domain/errors";
import { setDebtStatus, updateDebtItem } from "~/models/debt.server";
import { apiResource, debtItemParam, endpoint, sentFields } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { debtItemView } from "~/api/views.server";

const DETAILS = [
  "title",
  "description",
  "category",
  "benefit",
  "stageIncurred",
  "severity",
  "principalDays",
  "interestDays",
  "ownerId",
] as const;
const PLAN = ["strategy", "targetDate", "repayBeforeStage"] as const;
const STATUS = ["note", "justification", "reviewDate"] as const;

const api = apiResource(
  endpoint(apiRoutes.getDebtItem, ({ params }) => ({ debtItem: debtItemView(debtItemParam(params).id) })),
  endpoint(apiRoutes.updateDebtItem, ({ actor, params, body, sent }) => {
    const item = debtItemParam(params);
    const details = sentFields(body, sent, DETAILS);
    const plan = sentFields(body, sent, PLAN);
    const changesDetails = Object.keys(details).length > 0;
    const changesPlan = Object.keys(plan).length > 0;
    const now = Date.now();
    if (body.status !== undefined) {
      if (changesDetails || changesPlan) {
        throw new ValidationError("Change the status on its own.", {
          status: "Send a status change in a request of its own, without detail or plan fields.",
        });
      }
      setDebtStatus({
        actor,
        itemId: item.id,
        version: body.version,
        change: { to: body.status, note: body.note, justification: body.justification, reviewDate: body.reviewDate },
        today: orgToday(now),
        now,
      });
    } else {
      if (STATUS.some((k) => sent.has(k))) {
        throw new ValidationError("Say which status these fields are for.", {
          status: "Give the new status together with its note, justification or review date.",
        });
      }
      if (!changesDetails && !changesPlan) {
        throw new ValidationError("Nothing to change.", { body: "Send the fields to change, or a status." });
      }
      const current = Object.fromEntries(DETAILS.map((k) => [k, item[k]])) as Pick<
        typeof item,
        (typeof DETAILS)[number]
      >;
      updateDebtItem({
        actor,
        itemId: item.id,
        version: body.version,
        details: changesDetails ? { ...current, ...details } : undefined,
        plan: changesPlan
          ? {
              strategy: item.strategy ?? "",
              targetDate: item.targetDate,
              repayBeforeStage: item.repayBeforeStage,
              ...plan,
            }
          : undefined,
        now,
      });
    }
    return { debtItem: debtItemView(item.id) };
  }),
);

export const loader = api;
export const action = api;
