import { MigrationInterface, QueryRunner } from 'typeorm';

export class UserHubs1795990814014 implements MigrationInterface {
  name = 'UserHubs1795990814014';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "user_hub" ("user_id" uuid NOT NULL, "hub_code" character varying(64) NOT NULL, CONSTRAINT "PK_ef1894c9311cb3170cb28830f7d" PRIMARY KEY ("user_id", "hub_code"))`,
    );
    await queryRunner.query(`ALTER TABLE "user" ADD "web_hub" character varying(64)`);
    await queryRunner.query(
      `ALTER TABLE "user_hub" ADD CONSTRAINT "FK_008bec84b447ac7c9b383567ab7" FOREIGN KEY ("user_id") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "user_hub" ADD CONSTRAINT "FK_37e3577abd3907ade48f2f0092d" FOREIGN KEY ("hub_code") REFERENCES "hub"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    // Users from before hubs: warehouse staff belong to the default hub (DEFAULT_HUB, as the
    // process that migrates is configured; TMZ by default), coordinators stay global (no
    // rows), admins act everywhere. A database without that hub yet has no users either.
    await queryRunner.query(
      `INSERT INTO "user_hub" ("user_id", "hub_code")
             SELECT u.id, h.code FROM "user" u JOIN "hub" h ON h.code = $1
              WHERE u.role = 'warehouse'`,
      [process.env.DEFAULT_HUB || 'TMZ'],
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "user_hub" DROP CONSTRAINT "FK_37e3577abd3907ade48f2f0092d"`,
    );
    await queryRunner.query(
      `ALTER TABLE "user_hub" DROP CONSTRAINT "FK_008bec84b447ac7c9b383567ab7"`,
    );
    await queryRunner.query(`ALTER TABLE "user" DROP COLUMN "web_hub"`);
    await queryRunner.query(`DROP TABLE "user_hub"`);
  }
}
