// The active parts of the input and attribution tables of a data dir, as JSON on stdout, run as its own process
// after the customer benchmark's last ingest call: whether a process per file leaves parts unmerged.
//   tsx test/bench/customer/parts.ts   (CUSTODY_DATA_DIR: the benchmark's data dir)
import { closeClickHouse, query, sql } from '@/lib/clickhouse'

const PART_TABLES = ['gateway_requests', 'idp_events', 'attributed_actions']

const rows = await query<{ table: string; parts: number; partitions: number; most: number }>(
  sql`SELECT table, count() AS parts, uniqExact(partition) AS partitions, max(in_partition) AS most
    FROM (SELECT table, partition, count() OVER (PARTITION BY table, partition) AS in_partition
          FROM system.parts WHERE active AND database = currentDatabase() AND table IN ${PART_TABLES})
    GROUP BY table ORDER BY table`,
  { tag: 'bench:parts', settings: { output_format_json_quote_64bit_integers: 0 } },
)
process.stdout.write(JSON.stringify(rows) + '\n')
await closeClickHouse()
