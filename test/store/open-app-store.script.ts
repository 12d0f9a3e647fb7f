// Opens the app store from another process (the CLI's position) and prints what it sees.
import { closeAppStore, openAppStore } from '@/db'
import { listUsers } from '@/lib/users'

try {
  const db = await openAppStore()
  const users = await listUsers(db)
  console.log(JSON.stringify({ emails: users.map((u) => u.email) }))
  await closeAppStore()
} catch (err) {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err))
  process.exitCode = 1
}
