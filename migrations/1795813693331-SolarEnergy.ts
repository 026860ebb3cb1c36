import { MigrationInterface, QueryRunner } from 'typeorm';

export class SolarEnergy1795813693331 implements MigrationInterface {
  name = 'SolarEnergy1795813693331';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "pv_system" ("id" SERIAL NOT NULL, "hub_id" integer NOT NULL, "code" character varying(64) NOT NULL, "name" character varying(200) NOT NULL, "capacity_kwp" numeric(12,3) NOT NULL, "commissioned_on" date, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_ff2d359d8e36f8445278474d15d" UNIQUE ("code"), CONSTRAINT "PK_4d51f5cd8aee217bfe24a0e1a09" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "energy_day" ("system_id" integer NOT NULL, "day" date NOT NULL, "readings" integer NOT NULL, "readings_with_consumption" integer NOT NULL, "readings_with_grid_import" integer NOT NULL, "readings_with_export" integer NOT NULL, "readings_with_irradiation" integer NOT NULL, "generated_kwh" numeric(22,6) NOT NULL, "consumed_kwh" numeric(22,6) NOT NULL, "grid_import_kwh" numeric(22,6) NOT NULL, "exported_kwh" numeric(22,6) NOT NULL, "irradiation_kwh_m2" numeric(18,6) NOT NULL, "computed_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "PK_5eb69ec0b44d9dfc9a6283bedb3" PRIMARY KEY ("system_id", "day"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "energy_pending_day" ("system_id" integer NOT NULL, "day" date NOT NULL, "marked_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ea563ad045085f9639f62128ee6" PRIMARY KEY ("system_id", "day"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "energy_reading" ("system_id" integer NOT NULL, "starts_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "generated_kwh" numeric(16,6) NOT NULL, "consumed_kwh" numeric(16,6), "grid_import_kwh" numeric(16,6), "exported_kwh" numeric(16,6), "irradiation_kwh_m2" numeric(12,6), "recorded_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "recorded_by_id" uuid NOT NULL, CONSTRAINT "energy_reading_not_negative" CHECK ("generated_kwh" >= 0 AND "consumed_kwh" >= 0 AND "grid_import_kwh" >= 0 AND "exported_kwh" >= 0 AND "irradiation_kwh_m2" >= 0), CONSTRAINT "energy_reading_ends_after_start" CHECK ("ends_at" > "starts_at"), CONSTRAINT "PK_32270928fa07260ef1b227e3bdc" PRIMARY KEY ("system_id", "starts_at"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "pv_system" ADD CONSTRAINT "FK_912e7a98bbe1263a5fee7b9e7c8" FOREIGN KEY ("hub_id") REFERENCES "hub"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "energy_day" ADD CONSTRAINT "FK_055036b1a394b1d6edf0a5e0cc4" FOREIGN KEY ("system_id") REFERENCES "pv_system"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "energy_pending_day" ADD CONSTRAINT "FK_5bdbb8c7ed96d68d11e0955ed68" FOREIGN KEY ("system_id") REFERENCES "pv_system"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "energy_reading" ADD CONSTRAINT "FK_2559b7d3d0c3dfa3a883adaf698" FOREIGN KEY ("system_id") REFERENCES "pv_system"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "energy_reading" ADD CONSTRAINT "FK_558cb33d909ce5d1efb4d037210" FOREIGN KEY ("recorded_by_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "energy_reading" DROP CONSTRAINT "FK_558cb33d909ce5d1efb4d037210"`,
    );
    await queryRunner.query(
      `ALTER TABLE "energy_reading" DROP CONSTRAINT "FK_2559b7d3d0c3dfa3a883adaf698"`,
    );
    await queryRunner.query(
      `ALTER TABLE "energy_pending_day" DROP CONSTRAINT "FK_5bdbb8c7ed96d68d11e0955ed68"`,
    );
    await queryRunner.query(
      `ALTER TABLE "energy_day" DROP CONSTRAINT "FK_055036b1a394b1d6edf0a5e0cc4"`,
    );
    await queryRunner.query(
      `ALTER TABLE "pv_system" DROP CONSTRAINT "FK_912e7a98bbe1263a5fee7b9e7c8"`,
    );
    await queryRunner.query(`DROP TABLE "energy_reading"`);
    await queryRunner.query(`DROP TABLE "energy_pending_day"`);
    await queryRunner.query(`DROP TABLE "energy_day"`);
    await queryRunner.query(`DROP TABLE "pv_system"`);
  }
}
