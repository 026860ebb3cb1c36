import { MigrationInterface, QueryRunner } from 'typeorm';

export class Kits1795990600015 implements MigrationInterface {
  name = 'Kits1795990600015';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "kit" ("id" SERIAL NOT NULL, "code" character varying(64) NOT NULL, "name" character varying(200) NOT NULL, "household_size" smallint NOT NULL, "version" integer NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_78391dd330c040d936a42dad6e4" UNIQUE ("code"), CONSTRAINT "kit_version_positive" CHECK ("version" >= 1), CONSTRAINT "kit_household_size_positive" CHECK ("household_size" >= 1), CONSTRAINT "PK_5dcdc8fbcdc84c412e7fafaac79" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "kit_component" ("kit_id" integer NOT NULL, "version" integer NOT NULL, "item_id" integer NOT NULL, "quantity" integer NOT NULL, CONSTRAINT "kit_component_quantity_positive" CHECK ("quantity" >= 1), CONSTRAINT "PK_ea59f5a0e7c2c042a629310c6da" PRIMARY KEY ("kit_id", "version", "item_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "dispatch_kit" ("dispatch_id" uuid NOT NULL, "kit_id" integer NOT NULL, "quantity" bigint NOT NULL, "kit_version" integer NOT NULL, "household_size" smallint NOT NULL, CONSTRAINT "PK_4a7ab36b67b702c98ce62b6e034" PRIMARY KEY ("dispatch_id", "kit_id"))`,
    );
    await queryRunner.query(`ALTER TABLE "dispatch" ADD "households" bigint NOT NULL DEFAULT '0'`);
    await queryRunner.query(
      `ALTER TABLE "dispatch_rollup" ADD "households" bigint NOT NULL DEFAULT '0'`,
    );
    await queryRunner.query(
      `ALTER TABLE "dispatch_month_rollup" ADD "households" bigint NOT NULL DEFAULT '0'`,
    );
    await queryRunner.query(
      `ALTER TABLE "kit_component" ADD CONSTRAINT "FK_0d224ff9e687d3136212fcf8a83" FOREIGN KEY ("kit_id") REFERENCES "kit"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "kit_component" ADD CONSTRAINT "FK_4cd8e815c559f163a8129ca2def" FOREIGN KEY ("item_id") REFERENCES "item"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "dispatch_kit" ADD CONSTRAINT "FK_21231ceba28e5c9daff3fd3ceb1" FOREIGN KEY ("dispatch_id") REFERENCES "dispatch"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "dispatch_kit" ADD CONSTRAINT "FK_efb9dad084f0ad477220d2ba5d0" FOREIGN KEY ("kit_id") REFERENCES "kit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "dispatch_kit" DROP CONSTRAINT "FK_efb9dad084f0ad477220d2ba5d0"`,
    );
    await queryRunner.query(
      `ALTER TABLE "dispatch_kit" DROP CONSTRAINT "FK_21231ceba28e5c9daff3fd3ceb1"`,
    );
    await queryRunner.query(
      `ALTER TABLE "kit_component" DROP CONSTRAINT "FK_4cd8e815c559f163a8129ca2def"`,
    );
    await queryRunner.query(
      `ALTER TABLE "kit_component" DROP CONSTRAINT "FK_0d224ff9e687d3136212fcf8a83"`,
    );
    await queryRunner.query(`ALTER TABLE "dispatch_month_rollup" DROP COLUMN "households"`);
    await queryRunner.query(`ALTER TABLE "dispatch_rollup" DROP COLUMN "households"`);
    await queryRunner.query(`ALTER TABLE "dispatch" DROP COLUMN "households"`);
    await queryRunner.query(`DROP TABLE "dispatch_kit"`);
    await queryRunner.query(`DROP TABLE "kit_component"`);
    await queryRunner.query(`DROP TABLE "kit"`);
  }
}
