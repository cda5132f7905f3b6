ALTER TABLE "meetings" ADD COLUMN "cancelled_at" bigint;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "cancel_reason" text;