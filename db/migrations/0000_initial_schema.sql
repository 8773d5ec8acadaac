CREATE TABLE `activity` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor_id` integer,
	`project_id` integer,
	`entity_type` text NOT NULL,
	`entity_id` integer,
	`action` text NOT NULL,
	`summary` text NOT NULL,
	`before` text,
	`after` text,
	`via` text DEFAULT 'web' NOT NULL,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `activity_project_idx` ON `activity` (`project_id`,`id`);--> statement-breakpoint
CREATE INDEX `activity_entity_idx` ON `activity` (`entity_type`,`entity_id`);--> statement-breakpoint
CREATE INDEX `activity_action_idx` ON `activity` (`action`,`at`);--> statement-breakpoint
CREATE INDEX `activity_actor_idx` ON `activity` (`actor_id`,`at`);--> statement-breakpoint
CREATE TABLE `api_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_hash_unique` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `api_tokens_user_idx` ON `api_tokens` (`user_id`);--> statement-breakpoint
CREATE TABLE `criterion_templates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`target_stage` text NOT NULL,
	`key` text NOT NULL,
	`label` text NOT NULL,
	`kind` text NOT NULL,
	`discipline` text,
	`position` integer NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	CONSTRAINT "criterion_templates_kind_check" CHECK(kind in ('auto', 'attestation'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `criterion_templates_stage_key_unique` ON `criterion_templates` (`target_stage`,`key`);--> statement-breakpoint
CREATE TABLE `debt_items` (
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
	CONSTRAINT "debt_items_status_check" CHECK(status in ('open', 'repaying', 'repaid', 'accepted'))
);
--> statement-breakpoint
CREATE INDEX `debt_items_project_idx` ON `debt_items` (`project_id`,`register`,`status`);--> statement-breakpoint
CREATE INDEX `debt_items_status_idx` ON `debt_items` (`status`,`target_date`);--> statement-breakpoint
CREATE INDEX `debt_items_owner_idx` ON `debt_items` (`owner_id`,`status`);--> statement-breakpoint
CREATE INDEX `debt_items_sign_off_idx` ON `debt_items` (`sign_off_id`);--> statement-breakpoint
CREATE TABLE `gate_criteria` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`review_id` integer NOT NULL,
	`key` text NOT NULL,
	`label` text NOT NULL,
	`kind` text NOT NULL,
	`discipline` text,
	`position` integer NOT NULL,
	`attested_by_id` integer,
	`attested_at` integer,
	`attestation_note` text,
	FOREIGN KEY (`review_id`) REFERENCES `gate_reviews`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`attested_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `gate_criteria_review_key_unique` ON `gate_criteria` (`review_id`,`key`);--> statement-breakpoint
CREATE TABLE `gate_reviews` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` integer NOT NULL,
	`from_stage` text NOT NULL,
	`target_stage` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`opened_by_id` integer NOT NULL,
	`opened_at` integer NOT NULL,
	`closed_by_id` integer,
	`closed_at` integer,
	`close_note` text,
	`closing_snapshot` text,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`opened_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`closed_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "gate_reviews_status_check" CHECK(status in ('open', 'promoted', 'withdrawn'))
);
--> statement-breakpoint
CREATE INDEX `gate_reviews_project_idx` ON `gate_reviews` (`project_id`,`status`);--> statement-breakpoint
CREATE INDEX `gate_reviews_status_idx` ON `gate_reviews` (`status`);--> statement-breakpoint
CREATE UNIQUE INDEX `gate_reviews_one_open` ON `gate_reviews` (`project_id`) WHERE status = 'open';--> statement-breakpoint
CREATE TABLE `memberships` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`discipline` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "memberships_discipline_check" CHECK(discipline in ('business', 'data_science', 'it'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `memberships_project_user_unique` ON `memberships` (`project_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `memberships_user_idx` ON `memberships` (`user_id`);--> statement-breakpoint
CREATE TABLE `notices` (
	`key` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `project_slugs` (
	`slug` text PRIMARY KEY NOT NULL,
	`project_id` integer NOT NULL,
	`retired_at` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `projects` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`summary` text DEFAULT '' NOT NULL,
	`business_case` text DEFAULT '' NOT NULL,
	`stage` text DEFAULT 'poc' NOT NULL,
	`state` text DEFAULT 'active' NOT NULL,
	`stop_cause` text,
	`stop_note` text,
	`owner_id` integer NOT NULL,
	`stage_entered_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "projects_stage_check" CHECK(stage in ('poc', 'pilot', 'production')),
	CONSTRAINT "projects_state_check" CHECK(state in ('active', 'on_hold', 'stopped', 'retired'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `projects_slug_unique` ON `projects` (`slug`);--> statement-breakpoint
CREATE INDEX `projects_stage_state_idx` ON `projects` (`stage`,`state`);--> statement-breakpoint
CREATE INDEX `projects_owner_idx` ON `projects` (`owner_id`);--> statement-breakpoint
CREATE INDEX `projects_name_idx` ON `projects` (`name`);--> statement-breakpoint
CREATE TABLE `repayment_steps` (
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
	FOREIGN KEY (`debt_item_id`) REFERENCES `debt_items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`done_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `repayment_steps_item_idx` ON `repayment_steps` (`debt_item_id`,`position`);--> statement-breakpoint
CREATE INDEX `repayment_steps_owner_idx` ON `repayment_steps` (`owner_id`,`done_at`);--> statement-breakpoint
CREATE TABLE `requirements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` integer NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`target` text NOT NULL,
	`priority` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`feasibility` text DEFAULT 'unassessed' NOT NULL,
	`feasibility_note` text,
	`conditions` text,
	`assessed_by_id` integer,
	`assessed_at` integer,
	`created_by_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assessed_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "requirements_priority_check" CHECK(priority in ('must', 'should', 'could')),
	CONSTRAINT "requirements_feasibility_check" CHECK(feasibility in ('unassessed', 'feasible', 'feasible_with_conditions', 'infeasible'))
);
--> statement-breakpoint
CREATE INDEX `requirements_project_idx` ON `requirements` (`project_id`,`status`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `sign_offs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`review_id` integer NOT NULL,
	`discipline` text NOT NULL,
	`user_id` integer NOT NULL,
	`decision` text NOT NULL,
	`comment` text DEFAULT '' NOT NULL,
	`fingerprint` text NOT NULL,
	`signed_at` integer NOT NULL,
	`status` text DEFAULT 'current' NOT NULL,
	`ended_at` integer,
	FOREIGN KEY (`review_id`) REFERENCES `gate_reviews`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "sign_offs_decision_check" CHECK(decision in ('approve', 'approve_with_conditions', 'changes_requested'))
);
--> statement-breakpoint
CREATE INDEX `sign_offs_review_idx` ON `sign_offs` (`review_id`,`status`);--> statement-breakpoint
CREATE INDEX `sign_offs_user_idx` ON `sign_offs` (`user_id`,`status`);--> statement-breakpoint
CREATE UNIQUE INDEX `sign_offs_one_current` ON `sign_offs` (`review_id`,`discipline`) WHERE status = 'current';--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`discipline` text NOT NULL,
	`role` text DEFAULT 'member' NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`password_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	CONSTRAINT "users_discipline_check" CHECK(discipline in ('business', 'data_science', 'it')),
	CONSTRAINT "users_role_check" CHECK(role in ('admin', 'member'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`webhook_id` integer NOT NULL,
	`event` text NOT NULL,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_status_code` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`delivered_at` integer,
	FOREIGN KEY (`webhook_id`) REFERENCES `webhooks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due_idx` ON `webhook_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_hook_idx` ON `webhook_deliveries` (`webhook_id`,`id`);--> statement-breakpoint
CREATE TABLE `webhooks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`url` text NOT NULL,
	`secret` text NOT NULL,
	`events` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_by_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`created_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
