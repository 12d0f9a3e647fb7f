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
CREATE INDEX "evidence_samples_period" ON "evidence_samples" USING btree ("period_from","period_to");--> statement-breakpoint
CREATE INDEX "evidence_samples_drawn_at" ON "evidence_samples" USING btree ("drawn_at");