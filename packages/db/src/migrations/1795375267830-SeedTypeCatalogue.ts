import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Rows the spec seeds (§2.4, §2.5); an empty creator marks them immutable. Ids are fixed so every
 *  deployment agrees on them and listings keep the spec's order. */
const unitTypes: [string, string][] = [
  ['TB', 'terabyte'],
  ['TB/year', 'terabyte per year'],
  ['Endpoints Monitored/hour', 'Endpoints Monitored per hour'],
  ['Messages/hour', 'Messages per hour'],
  ['Service Updates', 'Service Updates'],
  ['#', 'number of'],
  ['count', 'count of'],
  ['API reqs', 'API requests'],
  ['PID prefixes', 'PID prefixes'],
  ['CPU Time', 'the exact amount of time that the CPU has spent processing data'],
  ['s', 'second'],
];
const metricTypes: [string, string][] = [
  ['aggregated', 'The sum of all values captured over the aggregation interval'],
  ['count', 'It represents the total number of event occurrences in one time interval'],
  ['summarised', 'It represents the measured values in one time interval'],
  ['averaged', 'The average of the values captured in one time interval'],
];

const seedId = (prefix: string, i: number) => `${prefix}${String(i + 1).padStart(24 - prefix.length, '0')}`;

export class SeedTypeCatalogue1795375267830 implements MigrationInterface {
  name = 'SeedTypeCatalogue1795375267830';

  async up(q: QueryRunner): Promise<void> {
    // Case-insensitive uniqueness (§2.2) needs expression indexes, which entity schemas cannot declare.
    await q.query(`CREATE UNIQUE INDEX "UQ_unit_types_lower_name" ON "unit_types" (lower("name"))`);
    await q.query(`CREATE UNIQUE INDEX "UQ_metric_types_lower_name" ON "metric_types" (lower("name"))`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_metric_definitions_lower_unit_name" ON "metric_definitions" (lower("unit_type"), lower("metric_name"))`,
    );
    for (const [table, prefix, rows] of [
      ['unit_types', '5eed00', unitTypes],
      ['metric_types', '5eed01', metricTypes],
    ] as const) {
      for (const [i, [name, description]] of rows.entries()) {
        await q.query(
          `INSERT INTO "${table}" (id, name, description, creator_id, created_at) VALUES ($1, $2, $3, '', $4)`,
          [seedId(prefix, i), name, description, new Date(Date.UTC(2020, 0, 1, 0, 0, i))],
        );
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM "metric_types" WHERE creator_id = ''`);
    await q.query(`DELETE FROM "unit_types" WHERE creator_id = ''`);
    await q.query(`DROP INDEX "UQ_metric_definitions_lower_unit_name"`);
    await q.query(`DROP INDEX "UQ_metric_types_lower_name"`);
    await q.query(`DROP INDEX "UQ_unit_types_lower_name"`);
  }
}
