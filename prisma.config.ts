import { defineConfig } from "prisma/config";

// prisma.config.ts does not load .env: the scripts export DATABASE_URL before calling the CLI.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/booth" },
});
