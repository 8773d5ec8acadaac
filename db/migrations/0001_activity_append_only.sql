-- The audit log is append-only in the database itself, whatever code runs against it.
CREATE TRIGGER `activity_no_update` BEFORE UPDATE ON `activity`
BEGIN
	SELECT RAISE(ABORT, 'activity log is append-only: rows cannot be changed');
END;--> statement-breakpoint
CREATE TRIGGER `activity_no_delete` BEFORE DELETE ON `activity`
BEGIN
	SELECT RAISE(ABORT, 'activity log is append-only: rows cannot be deleted');
END;
