// @ts-check
// `npm run custody`: runs the CLI compiled ahead of time by esbuild (node_modules/.cache/custody-cli), so a start
// does not compile TypeScript. Before each run it checks the build against every file it was compiled from
// (size and mtime, then content when those moved) and rebuilds first when any changed: a source edit never runs
// stale code, and a clean clone needs no build step. Packages stay external (chdb and PGlite are native/wasm).
// package.json runs it with --liftoff-only: a command runs a few app-store queries, and V8's optimizing recompile
// of PGlite's 9 MB of wasm cost more CPU (~0.35 s a start) than it ever saves in one.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import '../clickhouse/allocator.mjs' // before the CLI loads chDB, which reads it while loading

/** @typedef {{ size: number, mtimeMs: number, sha256: string }} Stamp */
/** @typedef {{ build: string, inputs: Record<string, Stamp> }} Manifest */

const ROOT = path.resolve(import.meta.dirname, '..', '..')
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'custody-cli')
const MANIFEST = path.join(CACHE, 'manifest.json')
// main, and the worker thread `custody report` boots the embedded app store in (lib/cli/report-thresholds.ts)
const ENTRIES = { main: 'lib/cli/main.ts', 'thresholds-worker': 'lib/cli/thresholds-worker.ts' }
// what shapes the build besides the sources esbuild reports: its options (this file), path aliases, the compiler
const BUILD_INPUTS = ['lib/cli/launch.mjs', 'tsconfig.json', 'package.json', 'node_modules/esbuild/package.json']
// a build another process may still be loading chunks from is kept this long after it was replaced
const KEEP_REPLACED_MS = 24 * 3600 * 1000

const manifest = readManifest()
const build = manifest && isCurrent(manifest) ? manifest.build : await compile()
await import(pathToFileURL(path.join(CACHE, build, 'main.js')).href)

/** @returns {Manifest | null} */
function readManifest() {
  try {
    return JSON.parse(fs.readFileSync(MANIFEST, 'utf8'))
  } catch {
    return null
  }
}

/** @param {Manifest} m */
function isCurrent(m) {
  if (!fs.existsSync(path.join(CACHE, m.build, 'main.js'))) return false
  let restamped = false
  for (const [file, stamp] of Object.entries(m.inputs)) {
    const now = statOf(file)
    if (!now) return false
    if (now.size === stamp.size && now.mtimeMs === stamp.mtimeMs) continue
    // touched (a checkout, a save without change): only a different content makes the build stale
    if (now.size !== stamp.size || sha256(file) !== stamp.sha256) return false
    m.inputs[file] = { ...stamp, mtimeMs: now.mtimeMs }
    restamped = true
  }
  if (restamped) writeManifest(m)
  return true
}

/** Compiles the CLI into a fresh directory and points the manifest at it; returns that directory's name. */
async function compile() {
  const esbuild = await import('esbuild')
  fs.mkdirSync(CACHE, { recursive: true })
  const outdir = fs.mkdtempSync(path.join(CACHE, 'build-'))
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir,
    bundle: true,
    // each command's modules load only when it runs (main.ts imports them lazily)
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  })
  const files = [...new Set([...Object.keys(result.metafile.inputs), ...BUILD_INPUTS])]
  /** @type {Record<string, Stamp>} */
  const inputs = {}
  for (const file of files) {
    const now = statOf(file)
    if (now) inputs[file] = { ...now, sha256: sha256(file) }
  }
  const build = path.basename(outdir)
  writeManifest({ build, inputs })
  pruneReplacedBuilds(build)
  return build
}

/** @param {string} file */
function statOf(file) {
  try {
    const s = fs.statSync(path.join(ROOT, file))
    return { size: s.size, mtimeMs: s.mtimeMs }
  } catch {
    return null
  }
}

/** @param {string} file */
function sha256(file) {
  return createHash('sha256').update(fs.readFileSync(path.join(ROOT, file))).digest('hex')
}

/** @param {Manifest} m */
function writeManifest(m) {
  const temp = `${MANIFEST}.${process.pid}`
  fs.writeFileSync(temp, JSON.stringify(m))
  fs.renameSync(temp, MANIFEST) // atomic: a concurrent start reads the old manifest or the new one, never half
}

/** @param {string} current */
function pruneReplacedBuilds(current) {
  for (const name of fs.readdirSync(CACHE)) {
    if (!name.startsWith('build-') || name === current) continue
    const dir = path.join(CACHE, name)
    if (Date.now() - fs.statSync(dir).mtimeMs > KEEP_REPLACED_MS) fs.rmSync(dir, { recursive: true, force: true })
  }
}
