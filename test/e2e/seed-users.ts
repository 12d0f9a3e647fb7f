// Seeds the demo users (one per role, password custody-demo) into CUSTODY_DATA_DIR for the e2e server.
import { closeAppStore, openAppStore } from '@/db'
import { seedDemoUsers } from '@/lib/users/seed'

await seedDemoUsers(await openAppStore())
await closeAppStore()
