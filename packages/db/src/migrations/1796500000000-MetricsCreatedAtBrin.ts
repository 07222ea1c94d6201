import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Freshness counts each installation's metrics pushed in the last 24 hours (usage-api.md §2). Without an
 * index on `created_at` that read every metric of the installation. `metrics` is append-mostly, so rows
 * lie on disk in push order and a BRIN index (a few pages, next to nothing per insert, unlike a B-tree
 * beside the single push) narrows the count to the blocks written in the last day.
 */
export class MetricsCreatedAtBrin1796500000000 implements MigrationInterface {
  name = 'MetricsCreatedAtBrin1796500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX "IDX_metrics_created_at" ON "metrics" USING brin ("created_at")');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "IDX_metrics_created_at"');
  }
}
