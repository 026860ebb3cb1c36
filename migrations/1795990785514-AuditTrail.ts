import { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditTrail1795990785514 implements MigrationInterface {
  name = 'AuditTrail1795990785514';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_record" ("id" BIGSERIAL NOT NULL, "at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "actor_id" uuid, "actor_name" character varying(200), "action" character varying(64) NOT NULL, "target_type" character varying(32) NOT NULL, "target_id" character varying(300) NOT NULL, "changes" jsonb NOT NULL DEFAULT '{}', "denied" jsonb, "request_id" character varying(128), "ip" character varying(64), "throttle_key" character varying(400), CONSTRAINT "UQ_76b5cea212128e937fb2e3ba2c1" UNIQUE ("throttle_key"), CONSTRAINT "PK_2c07dcda4cbae68f1cbbe6d7426" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_f5aec2c0ba176c02d96f3db4ab" ON "audit_record"  ("action", "at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_f13d6c3870e3958d4e54756f9e" ON "audit_record"  ("actor_id", "at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_e3ab40d35a92eec1b4f607b21d" ON "audit_record"  ("at", "id") `,
    );
    // Append-only: no UPDATE or DELETE, whoever asks (TRUNCATE, which tests use, fires no row
    // trigger). Written by hand: TypeORM generates no triggers.
    await queryRunner.query(
      `CREATE FUNCTION "audit_record_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION 'audit records are never changed or deleted' USING ERRCODE = 'insufficient_privilege';
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "audit_record_append_only" BEFORE UPDATE OR DELETE ON "audit_record"
       FOR EACH ROW EXECUTE FUNCTION "audit_record_append_only"()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "audit_record_append_only" ON "audit_record"`);
    await queryRunner.query(`DROP FUNCTION "audit_record_append_only"()`);
    await queryRunner.query(`DROP INDEX "public"."IDX_e3ab40d35a92eec1b4f607b21d"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_f13d6c3870e3958d4e54756f9e"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_f5aec2c0ba176c02d96f3db4ab"`);
    await queryRunner.query(`DROP TABLE "audit_record"`);
  }
}
