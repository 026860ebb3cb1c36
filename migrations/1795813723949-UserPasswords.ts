import { MigrationInterface, QueryRunner } from 'typeorm';

export class UserPasswords1795813723949 implements MigrationInterface {
  name = 'UserPasswords1795813723949';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "web_session" ("token_hash" character(64) NOT NULL, "user_id" uuid NOT NULL, "csrf_token" character(43) NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "PK_6b31e2dd0663686ae0534a20618" PRIMARY KEY ("token_hash"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_a31729df9a76c8979b283bffd6" ON "web_session"  ("user_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_dcb9992c30940815b04537eadf" ON "web_session"  ("expires_at") `,
    );
    await queryRunner.query(`ALTER TABLE "user" ADD "password_hash" character varying(200)`);
    await queryRunner.query(
      `ALTER TABLE "user" ADD "password_changed_at" TIMESTAMP(3) WITH TIME ZONE`,
    );
    await queryRunner.query(`ALTER TABLE "user" ADD "language" character varying(8)`);
    await queryRunner.query(
      `ALTER TABLE "web_session" ADD CONSTRAINT "FK_a31729df9a76c8979b283bffd6e" FOREIGN KEY ("user_id") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "web_session" DROP CONSTRAINT "FK_a31729df9a76c8979b283bffd6e"`,
    );
    await queryRunner.query(`ALTER TABLE "user" DROP COLUMN "language"`);
    await queryRunner.query(`ALTER TABLE "user" DROP COLUMN "password_changed_at"`);
    await queryRunner.query(`ALTER TABLE "user" DROP COLUMN "password_hash"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_dcb9992c30940815b04537eadf"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_a31729df9a76c8979b283bffd6"`);
    await queryRunner.query(`DROP TABLE "web_session"`);
  }
}
