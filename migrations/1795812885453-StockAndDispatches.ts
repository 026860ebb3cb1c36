import { MigrationInterface, QueryRunner } from 'typeorm';

export class StockAndDispatches1795812885453 implements MigrationInterface {
  name = 'StockAndDispatches1795812885453';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "idempotency_record" ("id" BIGSERIAL NOT NULL, "api_key_hash" character(64) NOT NULL, "method" character varying(8) NOT NULL, "path" character varying(400) NOT NULL, "key" character varying(255) NOT NULL, "request_hash" character(64) NOT NULL, "response_status" smallint NOT NULL, "response_body" text NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "idempotency_record_scope" UNIQUE ("api_key_hash", "method", "path", "key"), CONSTRAINT "PK_0dc165e218120167e4a55dcc8d4" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_7e9be864bd21cd6f061f74d9cf" ON "idempotency_record"  ("created_at") `,
    );
    await queryRunner.query(
      `CREATE TYPE "public"."dispatch_status" AS ENUM('DISPATCHED', 'DELIVERED', 'CANCELLED')`,
    );
    await queryRunner.query(
      `CREATE TABLE "dispatch" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "hub_id" integer NOT NULL, "waybill_no" character varying(64) NOT NULL, "destination_id" integer NOT NULL, "status" "public"."dispatch_status" NOT NULL, "dispatched_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "truck_plate" character varying(32) NOT NULL, "trailer_plate" character varying(32), "driver_name" character varying(200), "driver_phone" character varying(32), "carrier" character varying(200), "consignee" character varying(200), "emergency" character varying(200), "cargo_weight_kg" numeric(14,3), "lines_weight_kg" numeric(24,6) NOT NULL, "volume_m3" numeric(24,6) NOT NULL, "historical" boolean NOT NULL DEFAULT false, "recorded_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "recorded_by_id" uuid NOT NULL, "cancelled_at" TIMESTAMP(3) WITH TIME ZONE, "cancel_reason" character varying(2000), "cancelled_by_id" uuid, "delivered_at" TIMESTAMP(3) WITH TIME ZONE, "delivery_note" character varying(2000), "delivery_recorded_by_id" uuid, CONSTRAINT "dispatch_waybill_per_hub" UNIQUE ("hub_id", "waybill_no"), CONSTRAINT "PK_f2c29333b8ffa14a1414142fc55" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_d8f809a7c4dad76ebe26216633" ON "dispatch"  ("hub_id", "dispatched_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "dispatch_line" ("dispatch_id" uuid NOT NULL, "line_no" smallint NOT NULL, "item_id" integer NOT NULL, "quantity" bigint NOT NULL, "unit_weight_kg" numeric(12,6) NOT NULL, "unit_volume_m3" numeric(12,6) NOT NULL, "weight_kg" numeric(24,6) NOT NULL, "volume_m3" numeric(24,6) NOT NULL, "received_quantity" bigint, "damaged_quantity" bigint, "missing_quantity" bigint, CONSTRAINT "dispatch_line_item_once" UNIQUE ("dispatch_id", "item_id"), CONSTRAINT "PK_9e9e7a6ae9092087e3e2d58c726" PRIMARY KEY ("dispatch_id", "line_no"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "waybill_counter" ("hub_id" integer NOT NULL, "year" smallint NOT NULL, "last_value" integer NOT NULL, CONSTRAINT "PK_f07a1a9741e4dbf602aafc27d98" PRIMARY KEY ("hub_id", "year"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "receipt" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "hub_id" integer NOT NULL, "reference" character varying(200) NOT NULL, "source" character varying(200), "received_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "recorded_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "recorded_by_id" uuid NOT NULL, CONSTRAINT "PK_b4b9ec7d164235fbba023da9832" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_d10e9ac1d6efea7fc7b56b69cd" ON "receipt"  ("hub_id", "received_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "receipt_line" ("receipt_id" uuid NOT NULL, "line_no" smallint NOT NULL, "item_id" integer NOT NULL, "quantity" bigint NOT NULL, CONSTRAINT "PK_53c9ed48ff36e584c0bab63eba5" PRIMARY KEY ("receipt_id", "line_no"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "stock_level" ("hub_id" integer NOT NULL, "item_id" integer NOT NULL, "on_hand" bigint NOT NULL, "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "stock_level_on_hand_not_negative" CHECK ("on_hand" >= 0), CONSTRAINT "PK_788f8586c31d82838debedf99d6" PRIMARY KEY ("hub_id", "item_id"))`,
    );
    await queryRunner.query(
      `CREATE TYPE "public"."movement_type" AS ENUM('RECEIPT', 'DISPATCH', 'DISPATCH_CANCELLED', 'ADJUSTMENT', 'TRANSIT_LOSS')`,
    );
    await queryRunner.query(
      `CREATE TYPE "public"."adjustment_reason" AS ENUM('COUNT', 'DAMAGED', 'LOST', 'OPENING_BALANCE', 'OTHER')`,
    );
    await queryRunner.query(
      `CREATE TABLE "stock_movement" ("id" BIGSERIAL NOT NULL, "hub_id" integer NOT NULL, "item_id" integer NOT NULL, "type" "public"."movement_type" NOT NULL, "quantity" bigint NOT NULL, "reason" "public"."adjustment_reason", "note" character varying(2000), "receipt_id" uuid, "dispatch_id" uuid, "damaged_quantity" bigint, "missing_quantity" bigint, "occurred_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "recorded_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "recorded_by_id" uuid NOT NULL, CONSTRAINT "PK_9fe1232f916686ae8cf00294749" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_9fe71006fb69a605873778140d" ON "stock_movement"  ("receipt_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_9c289e06f5e78a5dfd3ecb4bbe" ON "stock_movement"  ("dispatch_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_0acd5d1d7e620519fb12034867" ON "stock_movement"  ("hub_id", "occurred_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_4806282b639dae4bb9bb81c8da" ON "stock_movement"  ("hub_id", "item_id", "occurred_at") `,
    );
    await queryRunner.query(
      `ALTER TABLE "dispatch" ADD CONSTRAINT "FK_0cc87168d8c7921de5bb2d414f2" FOREIGN KEY ("hub_id") REFERENCES "hub"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "dispatch" ADD CONSTRAINT "FK_cde4b50ad46dead2ee8efa6f7ee" FOREIGN KEY ("destination_id") REFERENCES "destination"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "dispatch" ADD CONSTRAINT "FK_d4988736fec477d1684e3fb2385" FOREIGN KEY ("recorded_by_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "dispatch_line" ADD CONSTRAINT "FK_2c7c2d6d1a8aa03280bee103dab" FOREIGN KEY ("dispatch_id") REFERENCES "dispatch"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "dispatch_line" ADD CONSTRAINT "FK_831e126b276d5ffbb400d99fd9e" FOREIGN KEY ("item_id") REFERENCES "item"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "receipt" ADD CONSTRAINT "FK_0579e78e9bba28fa68865d280e3" FOREIGN KEY ("hub_id") REFERENCES "hub"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "receipt" ADD CONSTRAINT "FK_d03d89b76380cce708dfdc6b582" FOREIGN KEY ("recorded_by_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "receipt_line" ADD CONSTRAINT "FK_94172cf5d5fdf40f16eb2e549d9" FOREIGN KEY ("receipt_id") REFERENCES "receipt"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "receipt_line" ADD CONSTRAINT "FK_598291c7f305954233d43d60c37" FOREIGN KEY ("item_id") REFERENCES "item"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "stock_level" ADD CONSTRAINT "FK_5d079ef095ddcac90e0b964a526" FOREIGN KEY ("hub_id") REFERENCES "hub"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "stock_level" ADD CONSTRAINT "FK_21563609582d46a54859d17c961" FOREIGN KEY ("item_id") REFERENCES "item"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "stock_movement" ADD CONSTRAINT "FK_d6bc347993031a864acc14b8263" FOREIGN KEY ("hub_id") REFERENCES "hub"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "stock_movement" ADD CONSTRAINT "FK_2222849c36f2c923a4fdd19b1a8" FOREIGN KEY ("item_id") REFERENCES "item"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "stock_movement" ADD CONSTRAINT "FK_af79076a20ed590fb30643701f1" FOREIGN KEY ("recorded_by_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "stock_movement" DROP CONSTRAINT "FK_af79076a20ed590fb30643701f1"`,
    );
    await queryRunner.query(
      `ALTER TABLE "stock_movement" DROP CONSTRAINT "FK_2222849c36f2c923a4fdd19b1a8"`,
    );
    await queryRunner.query(
      `ALTER TABLE "stock_movement" DROP CONSTRAINT "FK_d6bc347993031a864acc14b8263"`,
    );
    await queryRunner.query(
      `ALTER TABLE "stock_level" DROP CONSTRAINT "FK_21563609582d46a54859d17c961"`,
    );
    await queryRunner.query(
      `ALTER TABLE "stock_level" DROP CONSTRAINT "FK_5d079ef095ddcac90e0b964a526"`,
    );
    await queryRunner.query(
      `ALTER TABLE "receipt_line" DROP CONSTRAINT "FK_598291c7f305954233d43d60c37"`,
    );
    await queryRunner.query(
      `ALTER TABLE "receipt_line" DROP CONSTRAINT "FK_94172cf5d5fdf40f16eb2e549d9"`,
    );
    await queryRunner.query(
      `ALTER TABLE "receipt" DROP CONSTRAINT "FK_d03d89b76380cce708dfdc6b582"`,
    );
    await queryRunner.query(
      `ALTER TABLE "receipt" DROP CONSTRAINT "FK_0579e78e9bba28fa68865d280e3"`,
    );
    await queryRunner.query(
      `ALTER TABLE "dispatch_line" DROP CONSTRAINT "FK_831e126b276d5ffbb400d99fd9e"`,
    );
    await queryRunner.query(
      `ALTER TABLE "dispatch_line" DROP CONSTRAINT "FK_2c7c2d6d1a8aa03280bee103dab"`,
    );
    await queryRunner.query(
      `ALTER TABLE "dispatch" DROP CONSTRAINT "FK_d4988736fec477d1684e3fb2385"`,
    );
    await queryRunner.query(
      `ALTER TABLE "dispatch" DROP CONSTRAINT "FK_cde4b50ad46dead2ee8efa6f7ee"`,
    );
    await queryRunner.query(
      `ALTER TABLE "dispatch" DROP CONSTRAINT "FK_0cc87168d8c7921de5bb2d414f2"`,
    );
    await queryRunner.query(`DROP INDEX "public"."IDX_4806282b639dae4bb9bb81c8da"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_0acd5d1d7e620519fb12034867"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_9c289e06f5e78a5dfd3ecb4bbe"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_9fe71006fb69a605873778140d"`);
    await queryRunner.query(`DROP TABLE "stock_movement"`);
    await queryRunner.query(`DROP TYPE "public"."adjustment_reason"`);
    await queryRunner.query(`DROP TYPE "public"."movement_type"`);
    await queryRunner.query(`DROP TABLE "stock_level"`);
    await queryRunner.query(`DROP TABLE "receipt_line"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_d10e9ac1d6efea7fc7b56b69cd"`);
    await queryRunner.query(`DROP TABLE "receipt"`);
    await queryRunner.query(`DROP TABLE "waybill_counter"`);
    await queryRunner.query(`DROP TABLE "dispatch_line"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_d8f809a7c4dad76ebe26216633"`);
    await queryRunner.query(`DROP TABLE "dispatch"`);
    await queryRunner.query(`DROP TYPE "public"."dispatch_status"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_7e9be864bd21cd6f061f74d9cf"`);
    await queryRunner.query(`DROP TABLE "idempotency_record"`);
  }
}
