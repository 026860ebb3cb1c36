import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Energy rollups now go through the outbox: each system's pending days become one
 * ENERGY_READINGS_RECORDED event, then energy_pending_day goes. Written by hand (generate does not
 * drop a table no entity names), and apart from EnergyReadingsOutboxEvent because PostgreSQL
 * refuses an enum value in the transaction that added it.
 */
export class EnergyPendingDaysIntoOutbox1795981003724 implements MigrationInterface {
  name = 'EnergyPendingDaysIntoOutbox1795981003724';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `INSERT INTO "outbox_event" ("type", "hub_id", "payload")
       SELECT 'ENERGY_READINGS_RECORDED', s."hub_id",
              jsonb_build_object('systemId', p."system_id",
                                 'days', jsonb_agg(p."day"::text ORDER BY p."day"))
         FROM "energy_pending_day" p JOIN "pv_system" s ON s."id" = p."system_id"
        GROUP BY p."system_id", s."hub_id"
        ORDER BY p."system_id"`,
    );
    await queryRunner.query(
      `ALTER TABLE "energy_pending_day" DROP CONSTRAINT "FK_5bdbb8c7ed96d68d11e0955ed68"`,
    );
    await queryRunner.query(`DROP TABLE "energy_pending_day"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "energy_pending_day" ("system_id" integer NOT NULL, "day" date NOT NULL, "marked_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ea563ad045085f9639f62128ee6" PRIMARY KEY ("system_id", "day"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "energy_pending_day" ADD CONSTRAINT "FK_5bdbb8c7ed96d68d11e0955ed68" FOREIGN KEY ("system_id") REFERENCES "pv_system"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `INSERT INTO "energy_pending_day" ("system_id", "day")
       SELECT DISTINCT (e."payload"->>'systemId')::int, d."day"::date
         FROM "outbox_event" e
        CROSS JOIN LATERAL jsonb_array_elements_text(e."payload"->'days') AS d("day")
        WHERE e."type" = 'ENERGY_READINGS_RECORDED'`,
    );
    await queryRunner.query(`DELETE FROM "outbox_event" WHERE "type" = 'ENERGY_READINGS_RECORDED'`);
  }
}
