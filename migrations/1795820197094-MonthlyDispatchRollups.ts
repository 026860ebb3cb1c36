import { MigrationInterface, QueryRunner } from 'typeorm';

export class MonthlyDispatchRollups1795820197094 implements MigrationInterface {
  name = 'MonthlyDispatchRollups1795820197094';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "dispatch_month_rollup" ("hub_id" integer NOT NULL, "month" date NOT NULL, "destination_id" integer NOT NULL, "emergency" character varying(200) NOT NULL, "trucks" integer NOT NULL, "tonnage_kg" numeric(24,6) NOT NULL, "volume_m3" numeric(24,6) NOT NULL, "first_dispatch_at" TIMESTAMP(3) WITH TIME ZONE, "last_dispatch_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "PK_7751e7633a9206e7f118cf065e8" PRIMARY KEY ("hub_id", "month", "destination_id", "emergency"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "dispatch_item_month_rollup" ("hub_id" integer NOT NULL, "month" date NOT NULL, "emergency" character varying(200) NOT NULL, "item_id" integer NOT NULL, "quantity" bigint NOT NULL, "weight_kg" numeric(24,6) NOT NULL, "volume_m3" numeric(24,6) NOT NULL, CONSTRAINT "PK_8c5783f6d67b58a3b75b721be55" PRIMARY KEY ("hub_id", "month", "emergency", "item_id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "dispatch_item_month_rollup"`);
    await queryRunner.query(`DROP TABLE "dispatch_month_rollup"`);
  }
}
