import { applyD1Migrations, env } from "cloudflare:test";

// Storage is isolated per test file; migrations are idempotent, so applying them here is safe.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
