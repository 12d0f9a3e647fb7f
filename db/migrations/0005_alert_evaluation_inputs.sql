CREATE TABLE "alert_evaluation_inputs" (
	"scope" text PRIMARY KEY NOT NULL,
	"inputs" text NOT NULL,
	"evaluated_at" timestamp with time zone NOT NULL
);
