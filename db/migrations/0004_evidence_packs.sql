CREATE TABLE "evidence_signing_keys" (
	"fingerprint" text PRIMARY KEY NOT NULL,
	"public_key" text NOT NULL,
	"sealed_private_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	"retired_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "evidence_exports" ADD COLUMN "generated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "evidence_exports" ADD COLUMN "file_name" text;--> statement-breakpoint
ALTER TABLE "evidence_exports" ADD COLUMN "key_fingerprint" text;--> statement-breakpoint
ALTER TABLE "evidence_exports" ADD COLUMN "manifest" jsonb;--> statement-breakpoint
CREATE UNIQUE INDEX "evidence_signing_keys_one_active" ON "evidence_signing_keys" USING btree (("retired_at" IS NULL)) WHERE "evidence_signing_keys"."retired_at" IS NULL;