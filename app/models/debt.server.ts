/**
 * Debt items and their repayment plans (docs/domain.md, "Debt item"). Every mutation: one
 * transaction, `projectForWrite(..., "debt:write")`, the item's `version` checked (steps are
 * part of the item, so a step change bumps the item's version too), exactly one activity row
 * (entity_type "debt_item"). Rules (categories, interest, overdue, status after steps, plan and
 * status validation) come from app/domain/debt.ts; these modules load, check and write.
 *
 * One module per side of the aggregate, re-exported here so importers need only this one:
 * - debt/items.server.ts     logging an item, editing its details or plan, its status by hand
 * - debt/steps.server.ts     the repayment steps of an item's plan
 * - debt/project.server.ts   a project's registers and one item with its steps and history
 * - debt/gate.server.ts      for the gates model: conditions as debt, the open debt a gate sees
 * - debt/register.server.ts  the org-wide register (/debt, /debt.csv), its filters and totals
 * - debt/csv.server.ts       the CSV columns of /debt.csv
 * (debt/shared.server.ts holds the helpers these share; it is not part of the interface.)
 */

export * from "./debt/items.server";
export * from "./debt/steps.server";
export * from "./debt/project.server";
export * from "./debt/gate.server";
export * from "./debt/register.server";
export * from "./debt/csv.server";
