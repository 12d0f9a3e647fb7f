// Writes the customer benchmark's vendor-format files, run as its own process (the engine renders them):
//   tsx test/bench/customer/write-files.ts <out dir> <actions> [sources, comma-separated: gateway,okta,keys]
// CUSTODY_DATA_DIR is a scratch dir: nothing is stored there, chDB only needs one.
import { closeClickHouse } from '@/lib/clickhouse'
import { customerShape, writeCustomerFiles, type CustomerSource } from './vendor-files'

const [outDir, actions, sources = 'gateway,okta,keys'] = process.argv.slice(2)
if (!outDir || !Number.isInteger(Number(actions))) throw new Error('usage: write-files.ts <out dir> <actions> [sources]')
await writeCustomerFiles(customerShape(Number(actions)), outDir, sources.split(',') as CustomerSource[])
await closeClickHouse()
