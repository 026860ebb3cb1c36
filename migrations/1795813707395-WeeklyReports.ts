import { MigrationInterface, QueryRunner } from 'typeorm';

export class WeeklyReports1795813707395 implements MigrationInterface {
  name = 'WeeklyReports1795813707395';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TYPE "public"."report_delivery_status" AS ENUM('NOT_CONFIGURED', 'PENDING', 'DELIVERED', 'FAILED')`,
    );
    await queryRunner.query(
      `CREATE TABLE "weekly_report" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "hub_id" integer NOT NULL, "week_start" date NOT NULL, "week_end" date NOT NULL, "trucks" integer NOT NULL, "tonnes" numeric(20,3) NOT NULL, "content" jsonb NOT NULL, "content_hash" character(64) NOT NULL, "version" integer NOT NULL DEFAULT '1', "generated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "delivery_status" "public"."report_delivery_status" NOT NULL, "delivery_attempts" integer NOT NULL DEFAULT '0', "delivered_version" integer, "delivered_at" TIMESTAMP(3) WITH TIME ZONE, "last_delivery_error" character varying(2000), CONSTRAINT "weekly_report_per_hub_week" UNIQUE ("hub_id", "week_start"), CONSTRAINT "PK_4d1d34740a604ed29e1a8ef5e23" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "weekly_report" ADD CONSTRAINT "FK_528e619a5f1b25f1893458b174c" FOREIGN KEY ("hub_id") REFERENCES "hub"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "weekly_report" DROP CONSTRAINT "FK_528e619a5f1b25f1893458b174c"`,
    );
    await queryRunner.query(`DROP TABLE "weekly_report"`);
    await queryRunner.query(`DROP TYPE "public"."report_delivery_status"`);
  }
}
