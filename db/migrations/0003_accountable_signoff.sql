CREATE TABLE `gate_policies` (
	`target_stage` text PRIMARY KEY NOT NULL,
	`required_approvals` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `review_comment_mentions` (
	`comment_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	FOREIGN KEY (`comment_id`) REFERENCES `review_comments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `review_comment_mentions_unique` ON `review_comment_mentions` (`comment_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `review_comment_mentions_user_idx` ON `review_comment_mentions` (`user_id`);--> statement-breakpoint
CREATE TABLE `review_comment_revisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`comment_id` integer NOT NULL,
	`body` text NOT NULL,
	`replaced_at` integer NOT NULL,
	FOREIGN KEY (`comment_id`) REFERENCES `review_comments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `review_comment_revisions_comment_idx` ON `review_comment_revisions` (`comment_id`,`id`);--> statement-breakpoint
CREATE TABLE `review_comments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`review_id` integer NOT NULL,
	`author_id` integer NOT NULL,
	`body` text NOT NULL,
	`reply_to_sign_off_id` integer,
	`created_at` integer NOT NULL,
	`edited_at` integer,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`review_id`) REFERENCES `gate_reviews`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reply_to_sign_off_id`) REFERENCES `sign_offs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `review_comments_review_idx` ON `review_comments` (`review_id`,`id`);--> statement-breakpoint
DROP INDEX `sign_offs_one_current`;--> statement-breakpoint
-- One current sign-off per member and review: if one person held current sign-offs in two
-- disciplines of one review (possible before 0003), the latest stays current.
UPDATE `sign_offs` SET `status` = 'superseded', `ended_at` = `signed_at`
WHERE `status` = 'current' AND EXISTS (
  SELECT 1 FROM `sign_offs` AS later
  WHERE later.`review_id` = `sign_offs`.`review_id` AND later.`user_id` = `sign_offs`.`user_id`
    AND later.`status` = 'current' AND later.`id` > `sign_offs`.`id`
);--> statement-breakpoint
ALTER TABLE `sign_offs` ADD `snapshot` text;--> statement-breakpoint
ALTER TABLE `sign_offs` ADD `dismissed_by_id` integer REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `sign_offs` ADD `dismissed_at` integer;--> statement-breakpoint
ALTER TABLE `sign_offs` ADD `dismiss_reason` text;--> statement-breakpoint
CREATE UNIQUE INDEX `sign_offs_one_current_per_member` ON `sign_offs` (`review_id`,`user_id`) WHERE status = 'current';--> statement-breakpoint
ALTER TABLE `gate_criteria` ADD `evidence_url` text;--> statement-breakpoint
ALTER TABLE `gate_reviews` ADD `statement` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `gate_reviews` ADD `required_approvals` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `requirements` ADD `ds_feasibility` text DEFAULT 'unassessed' NOT NULL;--> statement-breakpoint
ALTER TABLE `requirements` ADD `ds_conditions` text;--> statement-breakpoint
ALTER TABLE `requirements` ADD `ds_note` text;--> statement-breakpoint
ALTER TABLE `requirements` ADD `ds_assessed_by_id` integer REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `requirements` ADD `ds_assessed_at` integer;--> statement-breakpoint
ALTER TABLE `requirements` ADD `ds_version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `requirements` ADD `it_feasibility` text DEFAULT 'unassessed' NOT NULL;--> statement-breakpoint
ALTER TABLE `requirements` ADD `it_conditions` text;--> statement-breakpoint
ALTER TABLE `requirements` ADD `it_note` text;--> statement-breakpoint
ALTER TABLE `requirements` ADD `it_assessed_by_id` integer REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `requirements` ADD `it_assessed_at` integer;--> statement-breakpoint
ALTER TABLE `requirements` ADD `it_version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
-- A single assessment becomes the verdict of the assessor's discipline on that project
-- (their seat, else their profile). The combined verdict then needs both disciplines.
UPDATE `requirements` SET
  `ds_feasibility` = `feasibility`, `ds_conditions` = `conditions`, `ds_note` = `feasibility_note`,
  `ds_assessed_by_id` = `assessed_by_id`, `ds_assessed_at` = `assessed_at`
WHERE `feasibility` <> 'unassessed' AND `assessed_by_id` IS NOT NULL AND coalesce(
  (SELECT m.`discipline` FROM `memberships` m WHERE m.`project_id` = `requirements`.`project_id` AND m.`user_id` = `requirements`.`assessed_by_id`),
  (SELECT u.`discipline` FROM `users` u WHERE u.`id` = `requirements`.`assessed_by_id`)
) = 'data_science';--> statement-breakpoint
-- Every other given verdict is IT's (also when its assessor has since left the team and their
-- profile says business: only IT and data science seats could assess).
UPDATE `requirements` SET
  `it_feasibility` = `feasibility`, `it_conditions` = `conditions`, `it_note` = `feasibility_note`,
  `it_assessed_by_id` = `assessed_by_id`, `it_assessed_at` = `assessed_at`
WHERE `feasibility` <> 'unassessed' AND `ds_feasibility` = 'unassessed';--> statement-breakpoint
UPDATE `requirements` SET `feasibility` = CASE
  WHEN `ds_feasibility` = 'infeasible' OR `it_feasibility` = 'infeasible' THEN 'infeasible'
  WHEN `ds_feasibility` = 'unassessed' OR `it_feasibility` = 'unassessed' THEN 'unassessed'
  WHEN `ds_feasibility` = 'feasible_with_conditions' OR `it_feasibility` = 'feasible_with_conditions' THEN 'feasible_with_conditions'
  ELSE 'feasible' END;--> statement-breakpoint
-- A team seat is the person's own discipline.
UPDATE `memberships` SET `discipline` = (SELECT u.`discipline` FROM `users` u WHERE u.`id` = `memberships`.`user_id`)
WHERE `discipline` <> (SELECT u.`discipline` FROM `users` u WHERE u.`id` = `memberships`.`user_id`);--> statement-breakpoint
-- The Pilot gate also checks that no open debt is due before Pilot (installations whose
-- checklists exist already; new ones get it from the default checklist).
INSERT INTO `criterion_templates` (`target_stage`, `key`, `label`, `kind`, `discipline`, `position`, `active`, `created_at`, `updated_at`, `version`)
SELECT 'pilot', 'no_open_debt_due_before_pilot', 'No open debt item is due to be repaid before pilot.', 'auto', NULL,
  (SELECT max(`position`) + 1 FROM `criterion_templates` WHERE `target_stage` = 'pilot'), 1,
  CAST(strftime('%s', 'now') AS integer) * 1000, CAST(strftime('%s', 'now') AS integer) * 1000, 1
WHERE EXISTS (SELECT 1 FROM `criterion_templates` WHERE `target_stage` = 'pilot')
  AND NOT EXISTS (SELECT 1 FROM `criterion_templates` WHERE `target_stage` = 'pilot' AND `key` = 'no_open_debt_due_before_pilot');
