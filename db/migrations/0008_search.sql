-- Search (docs/domain.md, "Search"): one SQLite FTS5 index over projects, requirements, debt
-- items, review comments and people, kept in step by the triggers below. A trigger runs inside
-- the writer's own transaction, whoever writes (the models, the demo, an import, the CLI), so a
-- change and its index entry commit or roll back together. The last statements index the rows
-- that exist already.
--
-- Each entry's rowid is the row's id * 8 + its kind: 1 project, 2 requirement, 3 debt item,
-- 4 review comment, 5 person (app/models/search.server.ts reads them back the same way).
-- Columns: `title` (the name or title, weighted 5 to 1 in the ranking) and `body` (the rest of
-- the text) are what a search looks in; `kind` (project, requirement, debt, comment, person)
-- and `stage` (the project's stage; empty for a person) are the filters, kept in the index so
-- that a filtered search never reads the rows it leaves out. A deactivated person's kind is
-- "person deactivated" (only admins find them). Promoting a project moves the stage of its
-- entries. Withdrawn requirements are not indexed.
--
-- A later migration that rebuilds one of these five tables (drizzle-kit's `__new_` copy) drops
-- its triggers with it and must create them again: tests/integration/search.test.ts checks
-- that every one exists.
CREATE VIRTUAL TABLE `search_index` USING fts5(
	title,
	body,
	kind,
	stage,
	tokenize = 'porter unicode61 remove_diacritics 2',
	prefix = '2 3'
);
--> statement-breakpoint
INSERT INTO `search_index` (`search_index`, `rank`) VALUES ('rank', 'bm25(5.0, 1.0, 0.0, 0.0)');
--> statement-breakpoint
CREATE TRIGGER `search_projects_insert` AFTER INSERT ON `projects`
BEGIN
	INSERT INTO `search_index` (rowid, title, body, kind, stage)
	VALUES (new.id * 8 + 1, new.name, new.summary || char(10) || new.business_case, 'project', new.stage);
END;
--> statement-breakpoint
CREATE TRIGGER `search_projects_update` AFTER UPDATE OF name, summary, business_case ON `projects`
BEGIN
	DELETE FROM `search_index` WHERE rowid = old.id * 8 + 1;
	INSERT INTO `search_index` (rowid, title, body, kind, stage)
	VALUES (new.id * 8 + 1, new.name, new.summary || char(10) || new.business_case, 'project', new.stage);
END;
--> statement-breakpoint
CREATE TRIGGER `search_projects_stage` AFTER UPDATE OF stage ON `projects`
BEGIN
	UPDATE `search_index` SET stage = new.stage
	WHERE rowid IN (
		SELECT new.id * 8 + 1
		UNION ALL SELECT id * 8 + 2 FROM `requirements` WHERE project_id = new.id
		UNION ALL SELECT id * 8 + 3 FROM `debt_items` WHERE project_id = new.id
		UNION ALL SELECT c.id * 8 + 4 FROM `review_comments` c JOIN `gate_reviews` r ON r.id = c.review_id WHERE r.project_id = new.id
	);
END;
--> statement-breakpoint
CREATE TRIGGER `search_projects_delete` AFTER DELETE ON `projects`
BEGIN
	DELETE FROM `search_index` WHERE rowid = old.id * 8 + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `search_requirements_insert` AFTER INSERT ON `requirements` WHEN new.status <> 'withdrawn'
BEGIN
	INSERT INTO `search_index` (rowid, title, body, kind, stage)
	VALUES (new.id * 8 + 2, new.title, new.target || char(10) || new.description, 'requirement', (SELECT stage FROM `projects` WHERE id = new.project_id));
END;
--> statement-breakpoint
CREATE TRIGGER `search_requirements_update` AFTER UPDATE OF title, description, target, status, project_id ON `requirements`
BEGIN
	DELETE FROM `search_index` WHERE rowid = old.id * 8 + 2;
	INSERT INTO `search_index` (rowid, title, body, kind, stage)
	SELECT new.id * 8 + 2, new.title, new.target || char(10) || new.description, 'requirement', (SELECT stage FROM `projects` WHERE id = new.project_id)
	WHERE new.status <> 'withdrawn';
END;
--> statement-breakpoint
CREATE TRIGGER `search_requirements_delete` AFTER DELETE ON `requirements`
BEGIN
	DELETE FROM `search_index` WHERE rowid = old.id * 8 + 2;
END;
--> statement-breakpoint
CREATE TRIGGER `search_debt_items_insert` AFTER INSERT ON `debt_items`
BEGIN
	INSERT INTO `search_index` (rowid, title, body, kind, stage)
	VALUES (
		new.id * 8 + 3,
		new.title,
		new.description || char(10) || new.benefit || char(10) || coalesce(new.strategy, '') || char(10) ||
		coalesce(new.accepted_justification, '') || char(10) || coalesce(new.status_note, ''),
		'debt',
		(SELECT stage FROM `projects` WHERE id = new.project_id)
	);
END;
--> statement-breakpoint
CREATE TRIGGER `search_debt_items_update` AFTER UPDATE OF title, description, benefit, strategy, accepted_justification, status_note, project_id ON `debt_items`
BEGIN
	DELETE FROM `search_index` WHERE rowid = old.id * 8 + 3;
	INSERT INTO `search_index` (rowid, title, body, kind, stage)
	VALUES (
		new.id * 8 + 3,
		new.title,
		new.description || char(10) || new.benefit || char(10) || coalesce(new.strategy, '') || char(10) ||
		coalesce(new.accepted_justification, '') || char(10) || coalesce(new.status_note, ''),
		'debt',
		(SELECT stage FROM `projects` WHERE id = new.project_id)
	);
END;
--> statement-breakpoint
CREATE TRIGGER `search_debt_items_delete` AFTER DELETE ON `debt_items`
BEGIN
	DELETE FROM `search_index` WHERE rowid = old.id * 8 + 3;
END;
--> statement-breakpoint
CREATE TRIGGER `search_review_comments_insert` AFTER INSERT ON `review_comments`
BEGIN
	INSERT INTO `search_index` (rowid, title, body, kind, stage)
	VALUES (new.id * 8 + 4, '', new.body, 'comment', (SELECT p.stage FROM `gate_reviews` r JOIN `projects` p ON p.id = r.project_id WHERE r.id = new.review_id));
END;
--> statement-breakpoint
CREATE TRIGGER `search_review_comments_update` AFTER UPDATE OF body, review_id ON `review_comments`
BEGIN
	DELETE FROM `search_index` WHERE rowid = old.id * 8 + 4;
	INSERT INTO `search_index` (rowid, title, body, kind, stage)
	VALUES (new.id * 8 + 4, '', new.body, 'comment', (SELECT p.stage FROM `gate_reviews` r JOIN `projects` p ON p.id = r.project_id WHERE r.id = new.review_id));
END;
--> statement-breakpoint
CREATE TRIGGER `search_review_comments_delete` AFTER DELETE ON `review_comments`
BEGIN
	DELETE FROM `search_index` WHERE rowid = old.id * 8 + 4;
END;
--> statement-breakpoint
CREATE TRIGGER `search_users_insert` AFTER INSERT ON `users`
BEGIN
	INSERT INTO `search_index` (rowid, title, body, kind, stage)
	VALUES (new.id * 8 + 5, new.name, new.email, CASE WHEN new.active THEN 'person' ELSE 'person deactivated' END, '');
END;
--> statement-breakpoint
CREATE TRIGGER `search_users_update` AFTER UPDATE OF name, email, active ON `users`
BEGIN
	DELETE FROM `search_index` WHERE rowid = old.id * 8 + 5;
	INSERT INTO `search_index` (rowid, title, body, kind, stage)
	VALUES (new.id * 8 + 5, new.name, new.email, CASE WHEN new.active THEN 'person' ELSE 'person deactivated' END, '');
END;
--> statement-breakpoint
CREATE TRIGGER `search_users_delete` AFTER DELETE ON `users`
BEGIN
	DELETE FROM `search_index` WHERE rowid = old.id * 8 + 5;
END;
--> statement-breakpoint
INSERT INTO `search_index` (rowid, title, body, kind, stage)
SELECT id * 8 + 1, name, summary || char(10) || business_case, 'project', stage FROM `projects`;
--> statement-breakpoint
INSERT INTO `search_index` (rowid, title, body, kind, stage)
SELECT q.id * 8 + 2, q.title, q.target || char(10) || q.description, 'requirement', p.stage
FROM `requirements` q JOIN `projects` p ON p.id = q.project_id
WHERE q.status <> 'withdrawn';
--> statement-breakpoint
INSERT INTO `search_index` (rowid, title, body, kind, stage)
SELECT
	d.id * 8 + 3,
	d.title,
	d.description || char(10) || d.benefit || char(10) || coalesce(d.strategy, '') || char(10) ||
		coalesce(d.accepted_justification, '') || char(10) || coalesce(d.status_note, ''),
	'debt',
	p.stage
FROM `debt_items` d JOIN `projects` p ON p.id = d.project_id;
--> statement-breakpoint
INSERT INTO `search_index` (rowid, title, body, kind, stage)
SELECT c.id * 8 + 4, '', c.body, 'comment', p.stage
FROM `review_comments` c JOIN `gate_reviews` r ON r.id = c.review_id JOIN `projects` p ON p.id = r.project_id;
--> statement-breakpoint
INSERT INTO `search_index` (rowid, title, body, kind, stage)
SELECT id * 8 + 5, name, email, CASE WHEN active THEN 'person' ELSE 'person deactivated' END, '' FROM `users`;
--> statement-breakpoint
INSERT INTO `search_index` (`search_index`) VALUES ('optimize');
