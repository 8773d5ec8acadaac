-- Sudo mode: when the person last proved their password in this session. NULL (sessions from
-- before this migration) means never: they confirm their password once before a sensitive change.
ALTER TABLE `sessions` ADD `reauthenticated_at` integer;--> statement-breakpoint
-- Webhook deliveries keep only a status code or a generic error class (docs/security.md, F3):
-- drop reply text stored before this release.
UPDATE `webhook_deliveries` SET `last_error` = CASE WHEN `last_status_code` IS NOT NULL THEN 'http ' || `last_status_code` ELSE 'connection failed' END
WHERE `last_error` IS NOT NULL
  AND `last_error` NOT IN ('refused address', 'connection failed', 'timeout', 'invalid response', 'deactivated')
  AND `last_error` NOT GLOB 'http [0-9][0-9][0-9]';
