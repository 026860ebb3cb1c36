import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Generated waybill numbers come from a sequence per hub and year (WaybillNumbers) instead of a
 * counter row every dispatch of a hub updated: each counter becomes its sequence, continuing
 * after its last value.
 */
export class WaybillSequences1796000000019 implements MigrationInterface {
  name = 'WaybillSequences1796000000019';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const counters: { hub_id: number; year: number; last_value: number }[] =
      await queryRunner.query(`SELECT hub_id, year, last_value FROM "waybill_counter"`);
    for (const { hub_id, year, last_value } of counters) {
      const name = `waybill_${Number(hub_id)}_${Number(year)}`;
      await queryRunner.query(
        `CREATE SEQUENCE IF NOT EXISTS ${name} AS bigint MINVALUE 1 START WITH ${Number(last_value) + 1}`,
      );
    }
    await queryRunner.query(`DROP TABLE "waybill_counter"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "waybill_counter" ("hub_id" integer NOT NULL, "year" smallint NOT NULL, "last_value" integer NOT NULL, CONSTRAINT "PK_f07a1a9741e4dbf602aafc27d98" PRIMARY KEY ("hub_id", "year"))`,
    );
    const sequences: { name: string }[] = await queryRunner.query(
      `SELECT sequencename AS name FROM pg_sequences
        WHERE schemaname = 'public' AND sequencename ~ '^waybill_[0-9]+_[0-9]+$'`,
    );
    for (const { name } of sequences) {
      const [, hub, year] = name.split('_');
      await queryRunner.query(
        `INSERT INTO "waybill_counter" (hub_id, year, last_value)
         SELECT $1, $2, COALESCE(last_value, 0) FROM pg_sequences
          WHERE schemaname = 'public' AND sequencename = $3`,
        [Number(hub), Number(year), name],
      );
      await queryRunner.query(`DROP SEQUENCE ${name}`);
    }
  }
}
