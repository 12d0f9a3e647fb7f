ALTER TABLE "alerts" DROP COLUMN "threshold_key";--> statement-breakpoint
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
ALTER TABLE "alert_events" ADD CONSTRAINT "alert_events_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_events_alert_at" ON "alert_events" USING btree ("alert_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_open_rule_subject" ON "alerts" USING btree ("rule","subject") WHERE state <> 'resolved';--> statement-breakpoint
CREATE UNIQUE INDEX "threshold_history_version_key" ON "threshold_history" USING btree ("version","key");