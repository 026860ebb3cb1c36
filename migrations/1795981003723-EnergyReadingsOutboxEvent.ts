import { MigrationInterface, QueryRunner } from 'typeorm';

export class EnergyReadingsOutboxEvent1795981003723 implements MigrationInterface {
  name = 'EnergyReadingsOutboxEvent1795981003723';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TYPE "public"."outbox_event_type" ADD VALUE 'ENERGY_READINGS_RECORDED'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TYPE "public"."outbox_event_type_old" AS ENUM('DISPATCH_RECORDED', 'DISPATCH_CANCELLED', 'DISPATCHES_IMPORTED')`,
    );
    await queryRunner.query(
      `ALTER TABLE "outbox_event" ALTER COLUMN "type" TYPE "public"."outbox_event_type_old" USING "type"::"text"::"public"."outbox_event_type_old"`,
    );
    await queryRunner.query(`DROP TYPE "public"."outbox_event_type"`);
    await queryRunner.query(
      `ALTER TYPE "public"."outbox_event_type_old" RENAME TO "outbox_event_type"`,
    );
  }
}
