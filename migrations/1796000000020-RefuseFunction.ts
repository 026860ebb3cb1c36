import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `relief_hub_refuse(reason, detail)` raises SQLSTATE RH409: how a statement sent together with
 * its transaction's COMMIT (a dispatch's stock take) refuses the change, so that the COMMIT that
 * follows it in the same write rolls back instead (src/database/transaction.ts, atCommit).
 */
export class RefuseFunction1796000000020 implements MigrationInterface {
  name = 'RefuseFunction1796000000020';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE FUNCTION relief_hub_refuse(reason text, detail text) RETURNS boolean
         LANGUAGE plpgsql VOLATILE AS $$
       BEGIN
         RAISE EXCEPTION USING ERRCODE = 'RH409', MESSAGE = reason, DETAIL = detail;
       END $$`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION relief_hub_refuse(text, text)`);
  }
}
