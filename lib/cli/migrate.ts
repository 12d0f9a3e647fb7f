import { migrateClickHouse } from '@/lib/clickhouse/migrate'

export async function migrateCommand(_argv: string[]): Promise<number> {
  const applied = await migrateClickHouse()
  process.stdout.write(applied.length ? `applied ${applied.join(', ')}\n` : 'ClickHouse schema is up to date\n')
  return 0
}
