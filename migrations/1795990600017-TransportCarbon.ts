import { MigrationInterface, QueryRunner } from 'typeorm';

export class TransportCarbon1795990600017 implements MigrationInterface {
  name = 'TransportCarbon1795990600017';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "transport_route" ("hub_id" integer NOT NULL, "destination_id" integer NOT NULL, "distance_km" numeric(9,3) NOT NULL, "basis" character varying(200), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a8d1af3b917fd2b0397f58982e6" PRIMARY KEY ("hub_id", "destination_id"))`,
    );
    await queryRunner.query(`ALTER TABLE "dispatch" ADD "distance_km" numeric(9,3)`);
    await queryRunner.query(`ALTER TABLE "dispatch" ADD "distance_basis" character varying(200)`);
    await queryRunner.query(`ALTER TABLE "dispatch" ADD "fuel_litres" numeric(12,3)`);
    await queryRunner.query(`ALTER TABLE "dispatch" ADD "tonne_km" numeric(24,6)`);
    await queryRunner.query(`ALTER TABLE "dispatch" ADD "co2e_kg" numeric(24,6)`);
    await queryRunner.query(`ALTER TABLE "dispatch" ADD "emission_method" character varying(16)`);
    await queryRunner.query(
      `ALTER TABLE "pv_system" ADD "target_performance_ratio" numeric(5,4) NOT NULL DEFAULT 0.8`,
    );
    await queryRunner.query(`ALTER TABLE "pv_system" ADD "monthly_profile" numeric(7,6) array`);
    await queryRunner.query(
      `ALTER TABLE "dispatch_rollup" ADD "tonne_km" numeric(24,6) NOT NULL DEFAULT '0'`,
    );
    await queryRunner.query(
      `ALTER TABLE "dispatch_rollup" ADD "co2e_kg" numeric(24,6) NOT NULL DEFAULT '0'`,
    );
    await queryRunner.query(
      `ALTER TABLE "dispatch_rollup" ADD "fuel_trucks" integer NOT NULL DEFAULT '0'`,
    );
    await queryRunner.query(
      `ALTER TABLE "dispatch_rollup" ADD "default_trucks" integer NOT NULL DEFAULT '0'`,
    );
    await queryRunner.query(
      `ALTER TABLE "dispatch_month_rollup" ADD "tonne_km" numeric(24,6) NOT NULL DEFAULT '0'`,
    );
    await queryRunner.query(
      `ALTER TABLE "dispatch_month_rollup" ADD "co2e_kg" numeric(24,6) NOT NULL DEFAULT '0'`,
    );
    await queryRunner.query(
      `ALTER TABLE "dispatch_month_rollup" ADD "fuel_trucks" integer NOT NULL DEFAULT '0'`,
    );
    await queryRunner.query(
      `ALTER TABLE "dispatch_month_rollup" ADD "default_trucks" integer NOT NULL DEFAULT '0'`,
    );
    await queryRunner.query(
      `ALTER TABLE "transport_route" ADD CONSTRAINT "FK_1164d00b3014652e00be726db9d" FOREIGN KEY ("hub_id") REFERENCES "hub"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "transport_route" ADD CONSTRAINT "FK_96c27b19d27c6b6e08a33386dd6" FOREIGN KEY ("destination_id") REFERENCES "destination"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "transport_route" DROP CONSTRAINT "FK_96c27b19d27c6b6e08a33386dd6"`,
    );
    await queryRunner.query(
      `ALTER TABLE "transport_route" DROP CONSTRAINT "FK_1164d00b3014652e00be726db9d"`,
    );
    await queryRunner.query(`ALTER TABLE "dispatch_month_rollup" DROP COLUMN "default_trucks"`);
    await queryRunner.query(`ALTER TABLE "dispatch_month_rollup" DROP COLUMN "fuel_trucks"`);
    await queryRunner.query(`ALTER TABLE "dispatch_month_rollup" DROP COLUMN "co2e_kg"`);
    await queryRunner.query(`ALTER TABLE "dispatch_month_rollup" DROP COLUMN "tonne_km"`);
    await queryRunner.query(`ALTER TABLE "dispatch_rollup" DROP COLUMN "default_trucks"`);
    await queryRunner.query(`ALTER TABLE "dispatch_rollup" DROP COLUMN "fuel_trucks"`);
    await queryRunner.query(`ALTER TABLE "dispatch_rollup" DROP COLUMN "co2e_kg"`);
    await queryRunner.query(`ALTER TABLE "dispatch_rollup" DROP COLUMN "tonne_km"`);
    await queryRunner.query(`ALTER TABLE "pv_system" DROP COLUMN "monthly_profile"`);
    await queryRunner.query(`ALTER TABLE "pv_system" DROP COLUMN "target_performance_ratio"`);
    await queryRunner.query(`ALTER TABLE "dispatch" DROP COLUMN "emission_method"`);
    await queryRunner.query(`ALTER TABLE "dispatch" DROP COLUMN "co2e_kg"`);
    await queryRunner.query(`ALTER TABLE "dispatch" DROP COLUMN "tonne_km"`);
    await queryRunner.query(`ALTER TABLE "dispatch" DROP COLUMN "fuel_litres"`);
    await queryRunner.query(`ALTER TABLE "dispatch" DROP COLUMN "distance_basis"`);
    await queryRunner.query(`ALTER TABLE "dispatch" DROP COLUMN "distance_km"`);
    await queryRunner.query(`DROP TABLE "transport_route"`);
  }
}
