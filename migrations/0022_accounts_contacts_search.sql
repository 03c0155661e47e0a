-- hand-written (drizzle-kit cannot generate virtual tables): registered with `drizzle-kit generate --custom`.
--
-- Searching accounts (name, external id) and contacts (name, e-mail, external id) by any part of
-- the text, accents and case folded: `societe` finds `Société Générale`, `élodie` finds `ÉLODIE`
-- (GET /api/v1/accounts?q=, GET /api/v1/contacts?q=; worker/db/queries/nameSearch.ts). SQLite's
-- lower() folds A–Z only and D1 has no ICU; FTS5's trigram tokenizer folds case and, with
-- `remove_diacritics 1`, the accents of Latin letters, and answers a substring of 3 characters or
-- more from its index instead of reading every row.
--
-- External-content tables: the text stays in `accounts` and `contacts`, each index refers to its
-- row by rowid, and these triggers keep it in step. The update triggers fire only when an indexed
-- column changes: accounts and contacts are updated for other reasons too (MRR, churn, manager,
-- unsubscribe, an import re-sending the same row), and those must not rewrite the index.
-- `columnsize = 0`: no per-row size table (it serves ranking only, which no search uses), so one
-- row fewer written per insert, update and delete.
--
-- `accounts` and `contacts` have text primary keys, so their rowids are implicit; a VACUUM may
-- renumber implicit rowids. After one, rebuild both indexes:
--   INSERT INTO accounts_fts (accounts_fts) VALUES ('rebuild');
--   INSERT INTO contacts_fts (contacts_fts) VALUES ('rebuild');
-- An INSERT OR REPLACE would give the row a new rowid without firing the delete trigger (SQLite
-- fires it on REPLACE only with recursive_triggers on): write these tables with INSERT … ON
-- CONFLICT DO UPDATE, as every path does.
CREATE VIRTUAL TABLE accounts_fts USING fts5(name, external_id, content = 'accounts', content_rowid = 'rowid', tokenize = 'trigram remove_diacritics 1', columnsize = 0);
--> statement-breakpoint
INSERT INTO accounts_fts (accounts_fts) VALUES ('rebuild');
--> statement-breakpoint
CREATE TRIGGER accounts_fts_insert AFTER INSERT ON accounts BEGIN
  INSERT INTO accounts_fts (rowid, name, external_id) VALUES (NEW.rowid, NEW.name, NEW.external_id);
END;
--> statement-breakpoint
CREATE TRIGGER accounts_fts_delete AFTER DELETE ON accounts BEGIN
  INSERT INTO accounts_fts (accounts_fts, rowid, name, external_id) VALUES ('delete', OLD.rowid, OLD.name, OLD.external_id);
END;
--> statement-breakpoint
CREATE TRIGGER accounts_fts_update AFTER UPDATE OF name, external_id ON accounts
WHEN OLD.name IS NOT NEW.name OR OLD.external_id IS NOT NEW.external_id BEGIN
  INSERT INTO accounts_fts (accounts_fts, rowid, name, external_id) VALUES ('delete', OLD.rowid, OLD.name, OLD.external_id);
  INSERT INTO accounts_fts (rowid, name, external_id) VALUES (NEW.rowid, NEW.name, NEW.external_id);
END;
--> statement-breakpoint
CREATE VIRTUAL TABLE contacts_fts USING fts5(name, email, external_id, content = 'contacts', content_rowid = 'rowid', tokenize = 'trigram remove_diacritics 1', columnsize = 0);
--> statement-breakpoint
INSERT INTO contacts_fts (contacts_fts) VALUES ('rebuild');
--> statement-breakpoint
CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
  INSERT INTO contacts_fts (rowid, name, email, external_id) VALUES (NEW.rowid, NEW.name, NEW.email, NEW.external_id);
END;
--> statement-breakpoint
CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
  INSERT INTO contacts_fts (contacts_fts, rowid, name, email, external_id) VALUES ('delete', OLD.rowid, OLD.name, OLD.email, OLD.external_id);
END;
--> statement-breakpoint
CREATE TRIGGER contacts_fts_update AFTER UPDATE OF name, email, external_id ON contacts
WHEN OLD.name IS NOT NEW.name OR OLD.email IS NOT NEW.email OR OLD.external_id IS NOT NEW.external_id BEGIN
  INSERT INTO contacts_fts (contacts_fts, rowid, name, email, external_id) VALUES ('delete', OLD.rowid, OLD.name, OLD.email, OLD.external_id);
  INSERT INTO contacts_fts (rowid, name, email, external_id) VALUES (NEW.rowid, NEW.name, NEW.email, NEW.external_id);
END;
