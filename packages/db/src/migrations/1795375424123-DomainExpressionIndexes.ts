import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Case-insensitive uniqueness (§2.2) that entity schemas cannot declare. */
export class DomainExpressionIndexes1795375424123 implements MigrationInterface {
  name = 'DomainExpressionIndexes1795375424123';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE UNIQUE INDEX "UQ_installations_lower_name" ON "installations" ("project_id", "provider_id", lower("installation"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "UQ_oidc_tenants_lower_issuer" ON "oidc_tenants" (lower("issuer"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "UQ_oidc_tenants_lower_issuer"`);
    await q.query(`DROP INDEX "UQ_installations_lower_name"`);
  }
}
