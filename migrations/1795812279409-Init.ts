import { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1795812279409 implements MigrationInterface {
  name = 'Init1795812279409';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TYPE "public"."user_role" AS ENUM('admin', 'warehouse', 'coordinator')`,
    );
    await queryRunner.query(
      `CREATE TABLE "user" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "role" "public"."user_role" NOT NULL, "api_key_hash" character(64) NOT NULL, "revoked_at" TIMESTAMP(3) WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_065d4d8f3b5adb4a08841eae3c8" UNIQUE ("name"), CONSTRAINT "UQ_f25da5419d6477d2550dca5aa8d" UNIQUE ("api_key_hash"), CONSTRAINT "PK_cace4a159ff9f2512dd42373760" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "destination" ("id" SERIAL NOT NULL, "code" character varying(64) NOT NULL, "name" character varying(200) NOT NULL, "iso2" character(2), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_1510d111cab7802612965661754" UNIQUE ("code"), CONSTRAINT "PK_e45b5ee5788eb3c7f0ae41746e7" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "item" ("id" SERIAL NOT NULL, "sku" character varying(64) NOT NULL, "name" character varying(200) NOT NULL, "category" character varying(64), "unit" character varying(32) NOT NULL, "unit_weight_kg" numeric(12,6) NOT NULL, "unit_volume_m3" numeric(12,6) NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_04b4bcce1bb7609fc226ce8c6c6" UNIQUE ("sku"), CONSTRAINT "item_unit_volume_positive" CHECK ("unit_volume_m3" > 0), CONSTRAINT "item_unit_weight_positive" CHECK ("unit_weight_kg" > 0), CONSTRAINT "PK_d3c0c71f23e7adcf952a1d13423" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "hub" ("id" SERIAL NOT NULL, "code" character varying(64) NOT NULL, "name" character varying(200) NOT NULL, "short_name" character varying(200) NOT NULL, "time_zone" character varying(64) NOT NULL, "country_code" character(2), "latitude" numeric(9,6), "longitude" numeric(9,6), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_aea1301f7ca5abfd7270533d4c0" UNIQUE ("code"), CONSTRAINT "PK_3e44a0e97127ddd25d60430b924" PRIMARY KEY ("id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "hub"`);
    await queryRunner.query(`DROP TABLE "item"`);
    await queryRunner.query(`DROP TABLE "destination"`);
    await queryRunner.query(`DROP TABLE "user"`);
    await queryRunner.query(`DROP TYPE "public"."user_role"`);
  }
}
