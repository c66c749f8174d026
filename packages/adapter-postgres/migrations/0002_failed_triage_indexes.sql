-- Dead-letter triage lists records by when they last changed (for a failed record: when it
-- failed), optionally narrowed to one error code: `list({ statuses: ['failed'], errorCode },
-- { sortBy: 'updatedAt' })`. Without these the planner sorts every failed row for each page.
-- (On a large live table, create them by hand with CREATE INDEX CONCURRENTLY before deploying:
-- this file then finds them with IF NOT EXISTS and only records the version.)
CREATE INDEX IF NOT EXISTS notifications_status_updated_idx
  ON notifications (status, updated_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS notifications_error_code_updated_idx
  ON notifications (error_code, updated_at DESC, id DESC)
  WHERE error_code IS NOT NULL;
