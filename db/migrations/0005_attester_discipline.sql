ALTER TABLE `gate_criteria` ADD `attester_discipline` text;--> statement-breakpoint
-- Attestations given so far: the attester's discipline now (their seat was their profile's
-- discipline since 0003).
UPDATE `gate_criteria` SET `attester_discipline` = (SELECT u.`discipline` FROM `users` u WHERE u.`id` = `gate_criteria`.`attested_by_id`)
WHERE `attested_by_id` IS NOT NULL;
