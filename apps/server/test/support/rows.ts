import type { DataSource } from 'typeorm';

/** The tables test suites seed directly, bypassing endpoints that belong to other modules. */
export type SeededTable =
  'projects' | 'providers' | 'project_providers' | 'resources' | 'installations' | 'metric_definitions' | 'metrics' | 'capacities';

/**
 * The one writer of fixture rows: every suite's seeding (`fixtures.ts`, `catalogue-fixtures.ts`,
 * `project-fixtures.ts`) ends here, so a change to how a row must be written (a new column, a table
 * kept in step) is made once. Column names are the suites' own literals; values are always parameters.
 */
export async function insertRow(db: DataSource, table: SeededTable, row: Record<string, unknown>): Promise<void> {
  const columns = Object.keys(row);
  const params = columns.map((_, i) => `$${i + 1}`);
  await db.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${params.join(', ')})`, Object.values(row));
}
