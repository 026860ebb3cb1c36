import { MigrationInterface, QueryRunner } from 'typeorm';

export class DispatchStatistics1795813291390 implements MigrationInterface {
  name = 'DispatchStatistics1795813291390';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TYPE "public"."outbox_event_type" AS ENUM('DISPATCH_RECORDED', 'DISPATCH_CANCELLED', 'DISPATCHES_IMPORTED')`,
    );
    await queryRunner.query(
      `CREATE TABLE "outbox_event" ("id" BIGSERIAL NOT NULL, "type" "public"."outbox_event_type" NOT NULL, "hub_id" integer NOT NULL, "payload" jsonb NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "published_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "PK_cc0c9e40998e45ecfc5e313429d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_2604c50252616d42a3de64053b" ON "outbox_event"  ("hub_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "dispatch_rollup" ("hub_id" integer NOT NULL, "day" date NOT NULL, "destination_id" integer NOT NULL, "emergency" character varying(200) NOT NULL, "trucks" integer NOT NULL, "tonnage_kg" numeric(24,6) NOT NULL, "volume_m3" numeric(24,6) NOT NULL, "first_dispatch_at" TIMESTAMP(3) WITH TIME ZONE, "last_dispatch_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "PK_6771f03a710b356ab2a10e4b186" PRIMARY KEY ("hub_id", "day", "destination_id", "emergency"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_49a280ffdb0d1aee470b9e00f4" ON "dispatch_rollup"  ("hub_id", "day") `,
    );
    await queryRunner.query(
      `CREATE TABLE "dispatch_item_rollup" ("hub_id" integer NOT NULL, "day" date NOT NULL, "destination_id" integer NOT NULL, "emergency" character varying(200) NOT NULL, "item_id" integer NOT NULL, "quantity" bigint NOT NULL, "weight_kg" numeric(24,6) NOT NULL, "volume_m3" numeric(24,6) NOT NULL, CONSTRAINT "PK_e4f0b5b345745abad5a0578e67c" PRIMARY KEY ("hub_id", "day", "destination_id", "emergency", "item_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_400c494de4d7b1ca6c408e982e" ON "dispatch_item_rollup"  ("hub_id", "day") `,
    );
    await queryRunner.query(`ALTER TABLE "item" ADD "plural_name" character varying(200)`);
    await queryRunner.query(`ALTER TABLE "dispatch" ADD "import_id" uuid`);
    await queryRunner.query(
      `CREATE INDEX "IDX_503fbba1f33e463b159cf38309" ON "dispatch"  ("import_id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_503fbba1f33e463b159cf38309"`);
    await queryRunner.query(`ALTER TABLE "dispatch" DROP COLUMN "import_id"`);
    await queryRunner.query(`ALTER TABLE "item" DROP COLUMN "plural_name"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_400c494de4d7b1ca6c408e982e"`);
    await queryRunner.query(`DROP TABLE "dispatch_item_rollup"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_49a280ffdb0d1aee470b9e00f4"`);
    await queryRunner.query(`DROP TABLE "dispatch_rollup"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_2604c50252616d42a3de64053b"`);
    await queryRunner.query(`DROP TABLE "outbox_event"`);
    await queryRunner.query(`DROP TYPE "public"."outbox_event_type"`);
  }
}
