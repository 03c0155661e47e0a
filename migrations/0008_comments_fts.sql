-- hand-written (drizzle-kit cannot generate virtual tables): registered with `drizzle-kit generate --custom`.
--
-- Full-text search of comments (GET /api/v1/comments?q=, the CSV export's q). FTS5, which D1
-- supports; `remove_diacritics 2` folds accents, so "tres" finds "très" and "cafe" finds "café", in
-- French and English alike (no stemming: Porter is English-only). An external-content table: the
-- text stays in `responses.comment`, the index refers to each answer by its rowid, and these
-- triggers keep it in step with every write, edit and erasure.
--
-- `responses` has a text primary key, so its rowid is implicit; a VACUUM may renumber implicit
-- rowids. After one, rebuild the index: INSERT INTO comments_fts(comments_fts) VALUES ('rebuild');
CREATE VIRTUAL TABLE comments_fts USING fts5(comment, content = 'responses', content_rowid = 'rowid', tokenize = "unicode61 remove_diacritics 2");
--> statement-breakpoint
INSERT INTO comments_fts (comments_fts) VALUES ('rebuild');
--> statement-breakpoint
CREATE TRIGGER responses_fts_insert AFTER INSERT ON responses WHEN NEW.comment IS NOT NULL BEGIN
  INSERT INTO comments_fts (rowid, comment) VALUES (NEW.rowid, NEW.comment);
END;
--> statement-breakpoint
CREATE TRIGGER responses_fts_delete AFTER DELETE ON responses WHEN OLD.comment IS NOT NULL BEGIN
  INSERT INTO comments_fts (comments_fts, rowid, comment) VALUES ('delete', OLD.rowid, OLD.comment);
END;
--> statement-breakpoint
CREATE TRIGGER responses_fts_update AFTER UPDATE OF comment ON responses WHEN OLD.comment IS NOT NEW.comment BEGIN
  INSERT INTO comments_fts (comments_fts, rowid, comment) SELECT 'delete', OLD.rowid, OLD.comment WHERE OLD.comment IS NOT NULL;
  INSERT INTO comments_fts (rowid, comment) SELECT NEW.rowid, NEW.comment WHERE NEW.comment IS NOT NULL;
END;
