CREATE TABLE "alert_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"alert_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"change" text NOT NULL,
	"value" double precision,
	"actor" text NOT NULL,
	"comment" text
);
--> statement-breakpoint
CREATE TABLE "evidence_samples" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"population" text NOT NULL,
	"period_from" timestamp with time zone NOT NULL,
	"period_to" timestamp with time zone NOT NULL,
	"seed" text NOT NULL,
	"size" integer NOT NULL,
	"population_size" bigint NOT NULL,
	"keys" jsonb NOT NULL,
	"items" jsonb NOT NULL,
	"drawn_by" text NOT NULL,
	"drawn_at" timestamp with time zone NOT NULL,
	CONSTRAINT "evidence_samples_period" CHECK ("evidence_samples"."period_from" < "evidence_samples"."period_to")
);
--> statement-breakpoint
CREATE TABLE "evidence_signing_keys" (
	"fingerprint" text PRIMARY KEY NOT NULL,
	"public_key" text NOT NULL,
	"sealed_private_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	"retired_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "notification_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"delivery_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"status_code" integer,
	"error" text,
	"duration_ms" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"destination_id" uuid NOT NULL,
	"alert" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "notification_destinations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"settings" jsonb NOT NULL,
	"sealed_secret" text,
	"secret_hint" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "rule" text NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "subject" text NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "state" text NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "threshold" double precision NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "since" timestamp with time zone NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "link" text NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "evaluated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "resolved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "threshold_history" ADD COLUMN "version" integer NOT NULL;--> statement-breakpoint
ALTER TABLE "threshold_history" ADD COLUMN "reason" text NOT NULL;--> statement-breakpoint
ALTER TABLE "evidence_exports" ADD COLUMN "generated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "evidence_exports" ADD COLUMN "file_name" text;--> statement-breakpoint
ALTER TABLE "evidence_exports" ADD COLUMN "key_fingerprint" text;--> statement-breakpoint
ALTER TABLE "evidence_exports" ADD COLUMN "manifest" jsonb;--> statement-breakpoint
ALTER TABLE "alert_events" ADD CONSTRAINT "alert_events_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_attempts" ADD CONSTRAINT "notification_attempts_delivery_id_notification_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."notification_deliveries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_destination_id_notification_destinations_id_fk" FOREIGN KEY ("destination_id") REFERENCES "public"."notification_destinations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_events_alert_at" ON "alert_events" USING btree ("alert_id","at");--> statement-breakpoint
CREATE INDEX "evidence_samples_period" ON "evidence_samples" USING btree ("period_from","period_to");--> statement-breakpoint
CREATE INDEX "evidence_samples_drawn_at" ON "evidence_samples" USING btree ("drawn_at");--> statement-breakpoint
CREATE UNIQUE INDEX "evidence_signing_keys_one_active" ON "evidence_signing_keys" USING btree (("retired_at" IS NULL)) WHERE "evidence_signing_keys"."retired_at" IS NULL;--> statement-breakpoint
CREATE INDEX "notification_attempts_delivery" ON "notification_attempts" USING btree ("delivery_id","attempt");--> statement-breakpoint
CREATE INDEX "notification_deliveries_due" ON "notification_deliveries" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "notification_deliveries_destination" ON "notification_deliveries" USING btree ("destination_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_open_rule_subject" ON "alerts" USING btree ("rule","subject") WHERE state <> 'resolved';--> statement-breakpoint
CREATE UNIQUE INDEX "threshold_history_version_key" ON "threshold_history" USING btree ("version","key");--> statement-breakpoint
ALTER TABLE "alerts" DROP COLUMN "threshold_key";