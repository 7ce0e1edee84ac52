#!/bin/sh
echo "schema engine not available offline: Booth applies prisma/migrations with scripts/migrate.ts" >&2
exit 1
