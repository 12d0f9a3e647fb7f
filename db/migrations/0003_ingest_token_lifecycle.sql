ALTER TABLE "ingest_tokens" ADD COLUMN "sources" text[];--> statement-breakpoint
ALTER TABLE "ingest_tokens" ADD COLUMN "expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "ingest_tokens" ADD COLUMN "replaces" uuid;--> statement-breakpoint
ALTER TABLE "ingest_tokens" ADD CONSTRAINT "ingest_tokens_replaces_ingest_tokens_id_fk" FOREIGN KEY ("replaces") REFERENCES "public"."ingest_tokens"("id") ON DELETE no action ON UPDATE no action;