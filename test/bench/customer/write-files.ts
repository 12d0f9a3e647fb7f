// Writes the customer benchmark's vendor-format files, run as its own process (the engine renders them):
//   tsx test/bench/customer/write-files.ts <out dir>     (BENCH_CUSTOMER_ACTIONS sizes the company)
// CUSTODY_DATA_DIR is a scratch dir: nothing is stored there, chDB only needs one.
import { closeClickHouse } from '@/lib/clickhouse'
import { customerActions } from './shape'
import { customerShape, writeCustomerFiles } from './vendor-files'

const [outDir] = process.argv.slice(2)
if (!outDir) throw new Error('usage: write-files.ts <out dir>')
await writeCustomerFiles(customerShape(customerActions()), outDir)
await closeClickHouse()
