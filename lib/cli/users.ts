import { parseArgs } from 'node:util'
import { z } from 'zod'
import { roles } from '@/db/schema'
import { cliActor } from '@/lib/auth/actor'
import { inviteUser, UserChangeRefused } from '@/lib/users/manage'
import { UsageError } from './usage'

const addSchema = z.object({
  role: z.enum(roles, { error: `--role must be one of ${roles.join(', ')}` }),
  email: z.email({ error: 'the e-mail address is not valid' }).max(320),
})

/**
 * `custody users add --role <role> <email>`: how a real installation gets its first
 * admin. It prints a one-time link on which the person chooses their own password;
 * no password is ever known to anyone else. Whoever runs it already holds the data
 * directory (or the database), so the command line may add users.
 */
export async function usersCommand(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv
  if (verb !== 'add') throw new UsageError(verb ? `unknown users command: ${verb}` : 'users needs a command: add')
  const { role, email } = parseAddArgs(rest)
  try {
    const { inviteUrl } = await inviteUser(cliActor, { email, role })
    process.stdout.write(`Added ${email.trim().toLowerCase()} (${role}). Give them this one-time link to choose a password (valid 7 days):\n${inviteUrl}\n`)
    if (!process.env.NEXTAUTH_URL) process.stderr.write('custody: NEXTAUTH_URL is not set, so the link points at http://localhost:3000: set it to the dashboard\'s public origin\n')
    return 0
  } catch (err) {
    if (!(err instanceof UserChangeRefused)) throw err
    process.stderr.write(`custody: ${err.message}\n`)
    return 1
  }
}

function parseAddArgs(argv: string[]) {
  let parsed
  try {
    parsed = parseArgs({ args: argv, options: { role: { type: 'string' } }, allowPositionals: true })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  if (parsed.positionals.length !== 1) throw new UsageError('users add takes exactly one e-mail address')
  const result = addSchema.safeParse({ role: parsed.values.role, email: parsed.positionals[0] })
  if (!result.success) throw new UsageError(result.error.issues.map((i) => i.message).join('; '))
  return result.data
}
