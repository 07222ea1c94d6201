import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1795375267829 implements MigrationInterface {
  name = 'Foundation1795375267829';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"unit_types\" (\"id\" text NOT NULL, \"name\" text NOT NULL, \"description\" text NOT NULL, \"creator_id\" text NOT NULL DEFAULT '', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), CONSTRAINT \"PK_105c42fcf447c1da21fd20bcb85\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"metric_types\" (\"id\" text NOT NULL, \"name\" text NOT NULL, \"description\" text NOT NULL, \"creator_id\" text NOT NULL DEFAULT '', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), CONSTRAINT \"PK_82913ed3a62054efbe0e1e72052\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"metric_definitions\" (\"id\" text NOT NULL, \"metric_name\" text NOT NULL, \"metric_description\" text, \"unit_type\" text NOT NULL, \"metric_type\" text NOT NULL, \"creator_id\" text NOT NULL DEFAULT '', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), CONSTRAINT \"PK_fdaad0dd390d98ed9dea217ef6d\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"actors\" (\"id\" text NOT NULL, \"oidc_id\" text NOT NULL, \"issuer\" text NOT NULL, \"name\" text NOT NULL DEFAULT '', \"email\" text NOT NULL DEFAULT '', \"registered_on\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), CONSTRAINT \"UQ_actors_oidc_issuer\" UNIQUE (\"oidc_id\", \"issuer\"), CONSTRAINT \"PK_d8608598c2c4f907a78de2ae461\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"entitlements\" (\"id\" text NOT NULL, \"name\" text NOT NULL, \"registered_on\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), CONSTRAINT \"UQ_23235bf1d7e8df78519c0502d7e\" UNIQUE (\"name\"), CONSTRAINT \"PK_6a45cb6f5747d49365a879bffde\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"actor_entitlements\" (\"id\" text NOT NULL, \"actor_id\" text NOT NULL, \"entitlement_id\" text NOT NULL, \"assigned_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), CONSTRAINT \"UQ_actor_entitlements_pair\" UNIQUE (\"actor_id\", \"entitlement_id\"), CONSTRAINT \"PK_9ad64f7964ac31ba42c58e3a185\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"settings\" (\"key\" text NOT NULL, \"value\" text NOT NULL, CONSTRAINT \"PK_c8639b7626fa94ba8265628f214\" PRIMARY KEY (\"key\"))");
    await queryRunner.query("ALTER TABLE \"actor_entitlements\" ADD CONSTRAINT \"FK_22869f6f82de206ca2cb5f66edc\" FOREIGN KEY (\"actor_id\") REFERENCES \"actors\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"actor_entitlements\" ADD CONSTRAINT \"FK_a2ddf24a5d99b315739413b69b2\" FOREIGN KEY (\"entitlement_id\") REFERENCES \"entitlements\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"actor_entitlements\" DROP CONSTRAINT \"FK_a2ddf24a5d99b315739413b69b2\"");
    await queryRunner.query("ALTER TABLE \"actor_entitlements\" DROP CONSTRAINT \"FK_22869f6f82de206ca2cb5f66edc\"");
    await queryRunner.query("DROP TABLE \"settings\"");
    await queryRunner.query("DROP TABLE \"actor_entitlements\"");
    await queryRunner.query("DROP TABLE \"entitlements\"");
    await queryRunner.query("DROP TABLE \"actors\"");
    await queryRunner.query("DROP TABLE \"metric_definitions\"");
    await queryRunner.query("DROP TABLE \"metric_types\"");
    await queryRunner.query("DROP TABLE \"unit_types\"");
  }
}
