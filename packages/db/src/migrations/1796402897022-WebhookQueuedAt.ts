import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Webhook retries run for 24 h from `queued_at`: the creation, moved by a redeliver (alerts.md §2). */
export class WebhookQueuedAt1796402897022 implements MigrationInterface {
  name = 'WebhookQueuedAt1796402897022';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "webhook_events" ADD "queued_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp()');
    await queryRunner.query('UPDATE "webhook_events" SET "queued_at" = "created_at"');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "webhook_events" DROP COLUMN "queued_at"');
  }
}
