import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Domain1795375424122 implements MigrationInterface {
  name = 'Domain1795375424122';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"projects\" (\"id\" text NOT NULL, \"acronym\" text NOT NULL DEFAULT '', \"title\" text NOT NULL DEFAULT '', \"start_date\" text NOT NULL DEFAULT '', \"end_date\" text NOT NULL DEFAULT '', \"call_identifier\" text NOT NULL DEFAULT '', \"creator_id\" text NOT NULL DEFAULT '', \"registered_on\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), CONSTRAINT \"PK_6271df0a7aed1d6c0691ce6ac50\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"providers\" (\"id\" text NOT NULL, \"name\" text NOT NULL, \"website\" text, \"abbreviation\" text, \"logo\" text, \"external_id\" text, \"creator_id\" text NOT NULL DEFAULT '', \"registered_on\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), CONSTRAINT \"UQ_d735474e539e674ba3702eddc44\" UNIQUE (\"name\"), CONSTRAINT \"UQ_992e98abac3c07a78714034c06c\" UNIQUE (\"external_id\"), CONSTRAINT \"PK_af13fc2ebf382fe0dad2e4793aa\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"project_providers\" (\"project_id\" text NOT NULL, \"provider_id\" text NOT NULL, \"associated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), CONSTRAINT \"PK_3c9ead1c5af6c7b6c432f67eb9e\" PRIMARY KEY (\"project_id\", \"provider_id\"))");
    await queryRunner.query("CREATE TABLE \"resources\" (\"id\" text NOT NULL, \"name\" text NOT NULL, \"creator_id\" text NOT NULL DEFAULT '', \"registered_on\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), CONSTRAINT \"PK_632484ab9dff41bba94f9b7c85e\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"installations\" (\"id\" text NOT NULL, \"project_id\" text NOT NULL, \"provider_id\" text NOT NULL, \"installation\" text NOT NULL, \"infrastructure\" text, \"resource_id\" text, \"unit_of_access\" text, \"external_id\" text, \"creator_id\" text NOT NULL DEFAULT '', \"registered_on\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), CONSTRAINT \"UQ_installations_external_id\" UNIQUE (\"project_id\", \"provider_id\", \"external_id\"), CONSTRAINT \"PK_21c7fb94d81eca7a66e64bd2b7f\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_installations_project_provider\" ON \"installations\"  (\"project_id\", \"provider_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_installations_external_id\" ON \"installations\"  (\"external_id\") ");
    await queryRunner.query("CREATE TABLE \"oidc_tenants\" (\"id\" text NOT NULL, \"issuer\" text NOT NULL, \"tenant_id\" text NOT NULL, \"client_id\" text NOT NULL, \"secret\" text NOT NULL, \"authorization_path\" text NOT NULL, \"introspection_path\" text NOT NULL, \"user_info_path\" text NOT NULL, \"token_path\" text NOT NULL, \"auth_server_url\" text NOT NULL, \"user_id_token_claim\" text NOT NULL, \"service_id_token_claim\" text NOT NULL, \"group_management_namespace\" text NOT NULL, \"group_management_parent\" text NOT NULL, \"entitlement_management\" text NOT NULL, \"registered_on\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), CONSTRAINT \"UQ_7d6c56c8320685f5dcdefcf174b\" UNIQUE (\"tenant_id\"), CONSTRAINT \"PK_99ef725822f0c4eb8c8ea7befb7\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"metrics\" (\"installation_id\" text NOT NULL, \"id\" text NOT NULL, \"seq\" BIGSERIAL NOT NULL, \"metric_definition_id\" text NOT NULL, \"time_period_start\" TIMESTAMP WITH TIME ZONE NOT NULL, \"time_period_end\" TIMESTAMP WITH TIME ZONE NOT NULL, \"value\" double precision NOT NULL DEFAULT '0', \"group_id\" text, \"user_id\" text, \"creator_id\" text NOT NULL DEFAULT '', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), \"project_id\" text NOT NULL, \"provider_id\" text NOT NULL, \"project_acronym\" text NOT NULL DEFAULT '', \"installation_name\" text NOT NULL DEFAULT '', \"infrastructure\" text, \"resource\" text, \"resource_id\" text NOT NULL, CONSTRAINT \"PK_7fd3c295197f2c5c3a68bce0355\" PRIMARY KEY (\"installation_id\", \"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_metrics_installation_definition_start\" ON \"metrics\"  (\"installation_id\", \"metric_definition_id\", \"time_period_start\") ");
    await queryRunner.query("CREATE INDEX \"IDX_metrics_installation_seq\" ON \"metrics\"  (\"installation_id\", \"seq\") ");
    await queryRunner.query("CREATE INDEX \"IDX_metrics_project_provider\" ON \"metrics\"  (\"project_id\", \"provider_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_metrics_definition\" ON \"metrics\"  (\"metric_definition_id\") ");
    await queryRunner.query("CREATE TABLE \"capacities\" (\"installation_id\" text NOT NULL, \"id\" text NOT NULL, \"metric_definition_id\" text NOT NULL, \"value\" numeric NOT NULL, \"registered_on\" TIMESTAMP WITH TIME ZONE NOT NULL, \"creator_id\" text NOT NULL DEFAULT '', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), CONSTRAINT \"UQ_capacities_installation_definition_date\" UNIQUE (\"installation_id\", \"metric_definition_id\", \"registered_on\"), CONSTRAINT \"PK_da1487577acc5f4f5af9982b65b\" PRIMARY KEY (\"installation_id\", \"id\"))");
    await queryRunner.query("CREATE TABLE \"idempotency_keys\" (\"caller_id\" text NOT NULL, \"route\" text NOT NULL, \"key\" text NOT NULL, \"request_hash\" text NOT NULL, \"status\" integer, \"location\" text, \"body\" jsonb, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), CONSTRAINT \"PK_239e7fad6ef53ac64a9ccdf3d50\" PRIMARY KEY (\"caller_id\", \"route\", \"key\"))");
    await queryRunner.query("CREATE INDEX \"IDX_idempotency_keys_created_at\" ON \"idempotency_keys\"  (\"created_at\") ");
    await queryRunner.query("CREATE TABLE \"apel_records\" (\"vm_uuid\" text NOT NULL, \"start_time\" TIMESTAMP WITH TIME ZONE NOT NULL, \"suspend_duration\" bigint NOT NULL, \"wall_duration\" bigint NOT NULL, \"site_name\" text NOT NULL, \"cloud_compute_service\" text NOT NULL DEFAULT 'None', \"machine_name\" text NOT NULL DEFAULT 'None', \"local_user_id\" text NOT NULL DEFAULT 'None', \"local_group_id\" text NOT NULL DEFAULT 'None', \"global_user_name\" text NOT NULL DEFAULT 'None', \"fqan\" text NOT NULL DEFAULT 'None', \"vo\" text NOT NULL DEFAULT 'None', \"vo_group\" text NOT NULL DEFAULT 'None', \"vo_role\" text NOT NULL DEFAULT 'None', \"status\" text NOT NULL DEFAULT 'None', \"end_time\" TIMESTAMP WITH TIME ZONE, \"cpu_duration\" bigint, \"cpu_count\" bigint, \"network_type\" text NOT NULL DEFAULT 'None', \"network_inbound\" bigint, \"network_outbound\" bigint, \"public_ip_count\" bigint, \"memory\" bigint, \"disk\" bigint, \"benchmark_type\" text NOT NULL DEFAULT 'None', \"benchmark\" double precision NOT NULL DEFAULT '0', \"storage_record_id\" text NOT NULL DEFAULT 'None', \"image_id\" text NOT NULL DEFAULT 'None', \"cloud_type\" text NOT NULL DEFAULT 'None', \"measurement_time\" TIMESTAMP WITH TIME ZONE NOT NULL, \"publisher_dn\" text NOT NULL, \"update_time\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), \"received_seq\" BIGSERIAL NOT NULL, CONSTRAINT \"PK_685343dbc2c09d36c4192ccc0f5\" PRIMARY KEY (\"vm_uuid\", \"start_time\", \"suspend_duration\", \"wall_duration\"))");
    await queryRunner.query("CREATE INDEX \"IDX_apel_records_vm_measurement\" ON \"apel_records\"  (\"vm_uuid\", \"measurement_time\") ");
    await queryRunner.query("CREATE INDEX \"IDX_apel_records_site\" ON \"apel_records\"  (\"site_name\") ");
    await queryRunner.query("ALTER TABLE \"project_providers\" ADD CONSTRAINT \"FK_60186ea93bd2239eba0e83e60d2\" FOREIGN KEY (\"project_id\") REFERENCES \"projects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"project_providers\" ADD CONSTRAINT \"FK_9b73c299a94bfdf77cc760734b1\" FOREIGN KEY (\"provider_id\") REFERENCES \"providers\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"installations\" ADD CONSTRAINT \"FK_5bc17cd942fa7dc37c5ebcaa8a9\" FOREIGN KEY (\"project_id\", \"provider_id\") REFERENCES \"project_providers\"(\"project_id\",\"provider_id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"installations\" ADD CONSTRAINT \"FK_3a7b184211fe690d94a7e81a6c9\" FOREIGN KEY (\"resource_id\") REFERENCES \"resources\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"metrics\" ADD CONSTRAINT \"FK_e841b1bb962ec0d3d4fa93ecb4f\" FOREIGN KEY (\"installation_id\") REFERENCES \"installations\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"metrics\" ADD CONSTRAINT \"FK_d2177f2082a942a8984259d533e\" FOREIGN KEY (\"metric_definition_id\") REFERENCES \"metric_definitions\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"capacities\" ADD CONSTRAINT \"FK_82df8ddee8c1e898cff0133d6aa\" FOREIGN KEY (\"installation_id\") REFERENCES \"installations\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"capacities\" DROP CONSTRAINT \"FK_82df8ddee8c1e898cff0133d6aa\"");
    await queryRunner.query("ALTER TABLE \"metrics\" DROP CONSTRAINT \"FK_d2177f2082a942a8984259d533e\"");
    await queryRunner.query("ALTER TABLE \"metrics\" DROP CONSTRAINT \"FK_e841b1bb962ec0d3d4fa93ecb4f\"");
    await queryRunner.query("ALTER TABLE \"installations\" DROP CONSTRAINT \"FK_3a7b184211fe690d94a7e81a6c9\"");
    await queryRunner.query("ALTER TABLE \"installations\" DROP CONSTRAINT \"FK_5bc17cd942fa7dc37c5ebcaa8a9\"");
    await queryRunner.query("ALTER TABLE \"project_providers\" DROP CONSTRAINT \"FK_9b73c299a94bfdf77cc760734b1\"");
    await queryRunner.query("ALTER TABLE \"project_providers\" DROP CONSTRAINT \"FK_60186ea93bd2239eba0e83e60d2\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_apel_records_site\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_apel_records_vm_measurement\"");
    await queryRunner.query("DROP TABLE \"apel_records\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_idempotency_keys_created_at\"");
    await queryRunner.query("DROP TABLE \"idempotency_keys\"");
    await queryRunner.query("DROP TABLE \"capacities\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_metrics_definition\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_metrics_project_provider\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_metrics_installation_seq\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_metrics_installation_definition_start\"");
    await queryRunner.query("DROP TABLE \"metrics\"");
    await queryRunner.query("DROP TABLE \"oidc_tenants\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_installations_external_id\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_installations_project_provider\"");
    await queryRunner.query("DROP TABLE \"installations\"");
    await queryRunner.query("DROP TABLE \"resources\"");
    await queryRunner.query("DROP TABLE \"project_providers\"");
    await queryRunner.query("DROP TABLE \"providers\"");
    await queryRunner.query("DROP TABLE \"projects\"");
  }
}
