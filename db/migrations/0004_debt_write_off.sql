-- 0004: open debt can be written off when its project stops (status 'written_off', with the
-- instant in written_off_at), and a project remembers when it closed (projects.closed_at), so
-- "days in stage" stop counting there (docs/domain.md, "Stopping and reopening a project").
--
-- Adding 'written_off' to the CHECK of debt_items.status means rebuilding the table. Drizzle's
-- migrator runs each migration inside a transaction, where `PRAGMA foreign_keys=OFF` is a no-op
-- (and `PRAGMA defer_foreign_keys` does not help either: dropping debt_items counts every
-- repayment step as a broken reference and the COMMIT fails). So repayment_steps, the only table
-- that references debt_items, is rebuilt with it: the new steps table references
-- __new_debt_items, the old child table is dropped before its parent (nothing references the
-- old debt_items any more when it goes), and the renames point the reference at debt_items.
-- Foreign keys stay enforced throughout; ids and AUTOINCREMENT counters are kept, and every
-- index of both tables is created again. tests/integration/lifecycle.test.ts migrates a
-- database with steps and condition items through this file and checks it.
CREATE TABLE `__new_debt_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` integer NOT NULL,
	`register` text NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`category` text NOT NULL,
	`benefit` text DEFAULT '' NOT NULL,
	`stage_incurred` text NOT NULL,
	`severity` text NOT NULL,
	`principal_days` real DEFAULT 0 NOT NULL,
	`interest_days` real DEFAULT 0 NOT NULL,
	`owner_id` integer,
	`status` text DEFAULT 'open' NOT NULL,
	`status_note` text,
	`accepted_justification` text,
	`accepted_review_date` text,
	`strategy` text,
	`target_date` text,
	`repay_before_stage` text,
	`sign_off_id` integer,
	`opened_at` integer NOT NULL,
	`repaid_at` integer,
	`written_off_at` integer,
	`created_by_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`sign_off_id`) REFERENCES `sign_offs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "debt_items_register_check" CHECK(register in ('technical', 'organizational')),
	CONSTRAINT "debt_items_severity_check" CHECK(severity in ('low', 'medium', 'high', 'critical')),
	CONSTRAINT "debt_items_status_check" CHECK(status in ('open', 'repaying', 'repaid', 'accepted', 'written_off'))
);
--> statement-breakpoint
INSERT INTO `__new_debt_items`("id", "project_id", "register", "title", "description", "category", "benefit", "stage_incurred", "severity", "principal_days", "interest_days", "owner_id", "status", "status_note", "accepted_justification", "accepted_review_date", "strategy", "target_date", "repay_before_stage", "sign_off_id", "opened_at", "repaid_at", "created_by_id", "created_at", "updated_at", "version") SELECT "id", "project_id", "register", "title", "description", "category", "benefit", "stage_incurred", "severity", "principal_days", "interest_days", "owner_id", "status", "status_note", "accepted_justification", "accepted_review_date", "strategy", "target_date", "repay_before_stage", "sign_off_id", "opened_at", "repaid_at", "created_by_id", "created_at", "updated_at", "version" FROM `debt_items`;--> statement-breakpoint
CREATE TABLE `__new_repayment_steps` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`debt_item_id` integer NOT NULL,
	`position` integer NOT NULL,
	`title` text NOT NULL,
	`owner_id` integer,
	`due_date` text,
	`done_at` integer,
	`done_by_id` integer,
	`created_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`debt_item_id`) REFERENCES `__new_debt_items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`done_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_repayment_steps`("id", "debt_item_id", "position", "title", "owner_id", "due_date", "done_at", "done_by_id", "created_at", "version") SELECT "id", "debt_item_id", "position", "title", "owner_id", "due_date", "done_at", "done_by_id", "created_at", "version" FROM `repayment_steps`;--> statement-breakpoint
-- An AUTOINCREMENT id is never handed out twice: the new tables keep the old counters (copying
-- the rows only raised theirs to the highest id still present).
DELETE FROM `sqlite_sequence` WHERE `name` IN ('__new_debt_items', '__new_repayment_steps');--> statement-breakpoint
INSERT INTO `sqlite_sequence` (`name`, `seq`) VALUES
  ('__new_debt_items', max(
    coalesce((SELECT `seq` FROM `sqlite_sequence` WHERE `name` = 'debt_items'), 0),
    coalesce((SELECT max(`id`) FROM `__new_debt_items`), 0))),
  ('__new_repayment_steps', max(
    coalesce((SELECT `seq` FROM `sqlite_sequence` WHERE `name` = 'repayment_steps'), 0),
    coalesce((SELECT max(`id`) FROM `__new_repayment_steps`), 0)));--> statement-breakpoint
DROP TABLE `repayment_steps`;--> statement-breakpoint
DROP TABLE `debt_items`;--> statement-breakpoint
ALTER TABLE `__new_debt_items` RENAME TO `debt_items`;--> statement-breakpoint
ALTER TABLE `__new_repayment_steps` RENAME TO `repayment_steps`;--> statement-breakpoint
CREATE INDEX `debt_items_project_idx` ON `debt_items` (`project_id`,`register`,`status`);--> statement-breakpoint
CREATE INDEX `debt_items_status_idx` ON `debt_items` (`status`,`target_date`);--> statement-breakpoint
CREATE INDEX `debt_items_status_severity_idx` ON `debt_items` (`status`,`severity`,`target_date`);--> statement-breakpoint
CREATE INDEX `debt_items_owner_idx` ON `debt_items` (`owner_id`,`status`);--> statement-breakpoint
CREATE INDEX `debt_items_sign_off_idx` ON `debt_items` (`sign_off_id`);--> statement-breakpoint
CREATE INDEX `repayment_steps_item_idx` ON `repayment_steps` (`debt_item_id`,`position`);--> statement-breakpoint
CREATE INDEX `repayment_steps_owner_idx` ON `repayment_steps` (`owner_id`,`done_at`);--> statement-breakpoint
ALTER TABLE `projects` ADD `closed_at` integer;--> statement-breakpoint
-- Projects already stopped or retired closed at their last such state change (the activity
-- log has it), else at their last update.
UPDATE `projects` SET `closed_at` = coalesce(
  (SELECT max(a.`at`) FROM `activity` AS a
   WHERE a.`project_id` = `projects`.`id` AND a.`action` = 'project.state_changed'
     AND (CASE WHEN json_valid(a.`after`) THEN json_extract(a.`after`, '$.state') END) = `projects`.`state`),
  `updated_at`
) WHERE `state` IN ('stopped', 'retired');
