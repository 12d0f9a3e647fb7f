import { createHash, randomUUID } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

/**
 * A new embedded app store starts as a copy of a template: an empty store PGlite initialized and
 * migrated once per install, kept in node_modules/.cache/custody-app-store/<key>. PGlite's initdb
 * is most of a new store's first open (3.0–3.6 s on this 2-core machine; a copy opens in ~1.1 s),
 * and every data dir the demo, the tests and the benchmarks create paid it. The key covers what
 * shapes the files: PGlite's version, its start parameters and the migrations. A new template
 * replaces the others. Best effort: when the cache cannot be written or read, the store is
 * initialized in place, as it was before.
 */

const CACHE = path.join(process.cwd(), 'node_modules', '.cache', 'custody-app-store')

/** Initializes and migrates an empty store in `dir`, then closes it. */
export type BuildStore = (dir: string) => Promise<void>

/**
 * Creates `storeDir` as a copy of the template, building the template first when there is none.
 * Does nothing when `storeDir` exists, or when there is no template to be had.
 */
export async function seedFromTemplate(
  storeDir: string,
  startParams: string[],
  migrationsDir: string,
  build: BuildStore,
  cache = CACHE,
): Promise<void> {
  if (fs.existsSync(storeDir)) return
  const key = templateKey(startParams, migrationsDir)
  if (!key) return
  const template = path.join(cache, key)
  // copied beside the store and renamed: a copy cut short is never taken for a store
  const copying = `${storeDir}.seeding-${randomUUID()}`
  try {
    if (!fs.existsSync(template)) await buildTemplate(cache, template, build)
    fs.cpSync(template, copying, { recursive: true, mode: fs.constants.COPYFILE_FICLONE })
    fs.renameSync(copying, storeDir)
  } catch (err) {
    fs.rmSync(copying, { recursive: true, force: true })
    process.stderr.write(`custody: the app store is initialized in place (its template: ${(err as Error).message})\n`)
  }
}

/** Built beside its final place and renamed: several processes may build at once, the first rename wins. */
async function buildTemplate(cache: string, template: string, build: BuildStore): Promise<void> {
  fs.mkdirSync(cache, { recursive: true })
  const building = `${template}.building-${randomUUID()}`
  try {
    await build(building)
    fs.renameSync(building, template)
  } catch (err) {
    if (!fs.existsSync(template)) throw err
  } finally {
    fs.rmSync(building, { recursive: true, force: true })
  }
  for (const other of fs.readdirSync(cache)) {
    if (other !== path.basename(template) && !other.includes('.')) fs.rmSync(path.join(cache, other), { recursive: true, force: true })
  }
}

/** null when PGlite's package cannot be read (no template then). */
function templateKey(startParams: string[], migrationsDir: string): string | null {
  const hash = createHash('sha256')
  try {
    hash.update(fs.readFileSync(path.join(process.cwd(), 'node_modules', '@electric-sql', 'pglite', 'package.json')))
  } catch {
    return null
  }
  hash.update(JSON.stringify(startParams))
  for (const file of filesUnder(migrationsDir)) hash.update(`\0${path.relative(migrationsDir, file)}\0`).update(fs.readFileSync(file))
  return hash.digest('hex').slice(0, 24)
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)]))
}
