import type { ListFilter, ListPage } from '@notify/email-core';

export interface ListSql {
  /** The page, newest first, each row carrying the filtered total (`total`, a bigint string). */
  page: { text: string; values: unknown[] };
  /** The filtered total alone, for a page past the end where no row carries it. */
  count: { text: string; values: unknown[] };
}

/**
 * Builds the list query from only the filters given, so the planner sees plain equality
 * predicates it can match to the (filter…, created_at DESC, id DESC) indexes of 0001.
 */
export function buildListSql(filter: ListFilter, page: ListPage): ListSql {
  const where: string[] = [];
  const values: unknown[] = [];
  if (filter.userId !== undefined) {
    values.push(filter.userId);
    where.push(`user_id = $${values.length}`);
  }
  if (filter.statuses !== undefined) {
    values.push(filter.statuses);
    where.push(`status = ANY($${values.length}::text[])`);
  }
  if (filter.templateCode !== undefined) {
    values.push(filter.templateCode);
    where.push(`template_code = $${values.length}`);
  }
  if (filter.errorCode !== undefined) {
    values.push(filter.errorCode);
    where.push(`error_code = $${values.length}`);
  }
  const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  // A fixed column name per allowed value: nothing from the caller reaches the SQL text.
  const sortColumn = page.sortBy === 'updatedAt' ? 'updated_at' : 'created_at';
  return {
    page: {
      text: `SELECT *, COUNT(*) OVER () AS total FROM notifications ${whereSql}
              ORDER BY ${sortColumn} DESC, id DESC
              LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
      values: [...values, page.limit, page.offset],
    },
    count: { text: `SELECT COUNT(*) AS total FROM notifications ${whereSql}`, values },
  };
}
