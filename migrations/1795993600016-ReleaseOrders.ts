import { MigrationInterface, QueryRunner } from 'typeorm';

export class ReleaseOrders1795993600016 implements MigrationInterface {
  name = 'ReleaseOrders1795993600016';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TYPE "public"."release_status" AS ENUM('OPEN', 'PARTIAL', 'FULFILLED', 'CANCELLED')`,
    );
    await queryRunner.query(
      `CREATE TABLE "release" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "hub_id" integer NOT NULL, "number" character varying(64) NOT NULL, "destination_id" integer NOT NULL, "emergency" character varying(200), "needed_by" date, "note" character varying(2000), "status" "public"."release_status" NOT NULL, "kits" jsonb NOT NULL DEFAULT '[]', "plan" jsonb, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "created_by_id" uuid NOT NULL, "cancelled_at" TIMESTAMP(3) WITH TIME ZONE, "cancel_reason" character varying(2000), "cancelled_by_id" uuid, CONSTRAINT "release_number_per_hub" UNIQUE ("hub_id", "number"), CONSTRAINT "PK_1a2253436964eea9c558f9464f4" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_8f6f233cdf0f171cd5e3ebe0d0" ON "release"  ("hub_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_04b3622c4faabf9477d61075e8" ON "release"  ("hub_id", "status") `,
    );
    await queryRunner.query(
      `CREATE TABLE "release_line" ("release_id" uuid NOT NULL, "line_no" smallint NOT NULL, "item_id" integer NOT NULL, "quantity" bigint NOT NULL, "dispatched" bigint NOT NULL DEFAULT '0', "unit_weight_kg" numeric(12,6) NOT NULL, "unit_volume_m3" numeric(12,6) NOT NULL, CONSTRAINT "release_line_dispatched_within" CHECK ("dispatched" >= 0 AND "dispatched" <= "quantity"), CONSTRAINT "release_line_quantity_positive" CHECK ("quantity" >= 1), CONSTRAINT "PK_2cc67f14112ec152841d859576b" PRIMARY KEY ("release_id", "line_no"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "release_counter" ("hub_id" integer NOT NULL, "year" smallint NOT NULL, "last_value" integer NOT NULL, CONSTRAINT "PK_1c3be891cb16529cabdf6773064" PRIMARY KEY ("hub_id", "year"))`,
    );
    await queryRunner.query(`ALTER TABLE "dispatch" ADD "release_id" uuid`);
    await queryRunner.query(`ALTER TABLE "stock_level" ADD "reserved" bigint NOT NULL DEFAULT '0'`);
    await queryRunner.query(
      `ALTER TABLE "stock_movement" ADD "reserved_quantity" bigint NOT NULL DEFAULT '0'`,
    );
    await queryRunner.query(`ALTER TABLE "stock_movement" ADD "release_id" uuid`);
    await queryRunner.query(`ALTER TYPE "public"."movement_type" ADD VALUE 'RESERVED'`);
    await queryRunner.query(`ALTER TYPE "public"."movement_type" ADD VALUE 'RESERVATION_RELEASED'`);
    await queryRunner.query(
      `CREATE INDEX "IDX_53a785d36a30e452bd711675cd" ON "dispatch"  ("release_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_846aaace2e8a61c2eeed6ec6df" ON "stock_movement"  ("release_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "stock_level" ADD CONSTRAINT "stock_level_reserved_within_on_hand" CHECK ("reserved" <= "on_hand")`,
    );
    await queryRunner.query(
      `ALTER TABLE "stock_level" ADD CONSTRAINT "stock_level_reserved_not_negative" CHECK ("reserved" >= 0)`,
    );
    await queryRunner.query(
      `ALTER TABLE "release" ADD CONSTRAINT "FK_b52add02be1572ac5a9f7c31d94" FOREIGN KEY ("hub_id") REFERENCES "hub"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "release" ADD CONSTRAINT "FK_bdd86d0acb4396f021ebc823656" FOREIGN KEY ("destination_id") REFERENCES "destination"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "release" ADD CONSTRAINT "FK_225277f7ccd5cd00a4e1741ec38" FOREIGN KEY ("created_by_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "release_line" ADD CONSTRAINT "FK_f042f1a9c0e300eca953c6dcfd5" FOREIGN KEY ("release_id") REFERENCES "release"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "release_line" ADD CONSTRAINT "FK_8879e7ea1031d1249e9536cc817" FOREIGN KEY ("item_id") REFERENCES "item"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "release_line" DROP CONSTRAINT "FK_8879e7ea1031d1249e9536cc817"`,
    );
    await queryRunner.query(
      `ALTER TABLE "release_line" DROP CONSTRAINT "FK_f042f1a9c0e300eca953c6dcfd5"`,
    );
    await queryRunner.query(
      `ALTER TABLE "release" DROP CONSTRAINT "FK_225277f7ccd5cd00a4e1741ec38"`,
    );
    await queryRunner.query(
      `ALTER TABLE "release" DROP CONSTRAINT "FK_bdd86d0acb4396f021ebc823656"`,
    );
    await queryRunner.query(
      `ALTER TABLE "release" DROP CONSTRAINT "FK_b52add02be1572ac5a9f7c31d94"`,
    );
    await queryRunner.query(
      `ALTER TABLE "stock_level" DROP CONSTRAINT "stock_level_reserved_not_negative"`,
    );
    await queryRunner.query(
      `ALTER TABLE "stock_level" DROP CONSTRAINT "stock_level_reserved_within_on_hand"`,
    );
    await queryRunner.query(`DROP INDEX "public"."IDX_846aaace2e8a61c2eeed6ec6df"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_53a785d36a30e452bd711675cd"`);
    await queryRunner.query(
      `CREATE TYPE "public"."movement_type_old" AS ENUM('RECEIPT', 'DISPATCH', 'DISPATCH_CANCELLED', 'ADJUSTMENT', 'TRANSIT_LOSS')`,
    );
    await queryRunner.query(
      `ALTER TABLE "stock_movement" ALTER COLUMN "type" TYPE "public"."movement_type_old" USING "type"::"text"::"public"."movement_type_old"`,
    );
    await queryRunner.query(`DROP TYPE "public"."movement_type"`);
    await queryRunner.query(`ALTER TYPE "public"."movement_type_old" RENAME TO "movement_type"`);
    await queryRunner.query(`ALTER TABLE "stock_movement" DROP COLUMN "release_id"`);
    await queryRunner.query(`ALTER TABLE "stock_movement" DROP COLUMN "reserved_quantity"`);
    await queryRunner.query(`ALTER TABLE "stock_level" DROP COLUMN "reserved"`);
    await queryRunner.query(`ALTER TABLE "dispatch" DROP COLUMN "release_id"`);
    await queryRunner.query(`DROP TABLE "release_counter"`);
    await queryRunner.query(`DROP TABLE "release_line"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_04b3622c4faabf9477d61075e8"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_8f6f233cdf0f171cd5e3ebe0d0"`);
    await queryRunner.query(`DROP TABLE "release"`);
    await queryRunner.query(`DROP TYPE "public"."release_status"`);
  }
}
