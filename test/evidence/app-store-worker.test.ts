import * as esbuild from 'esbuild'
import { describe, expect, it } from 'vitest'

/**
 * Every project module and package the app store's worker thread of `custody report` / `custody export` loads,
 * dynamic imports included: bundled as lib/cli/launch.mjs compiles the CLI (packages external).
 */
async function workerModules(): Promise<{ files: string[]; packages: string[] }> {
  const result = await esbuild.build({
    absWorkingDir: process.cwd(),
    entryPoints: ['lib/cli/thresholds-worker.ts'],
    bundle: true,
    write: false,
    outdir: 'unused',
    format: 'esm',
    platform: 'node',
    packages: 'external',
    metafile: true,
    logLevel: 'silent',
  })
  const inputs = Object.values(result.metafile.inputs)
  const packages = inputs.flatMap((i) => i.imports.filter((d) => d.external && !d.path.startsWith('node:')).map((d) => d.path.split('/').slice(0, d.path.startsWith('@') ? 2 : 1).join('/')))
  return { files: Object.keys(result.metafile.inputs), packages: [...new Set(packages)].sort() }
}

describe("the app store's worker thread", () => {
  it('loads the app store, drizzle and what a pack reads from them, never ClickHouse, chDB or the population queries', async () => {
    const { files, packages } = await workerModules()
    expect(packages).not.toContain('chdb')
    expect(packages).not.toContain('@clickhouse/client')
    expect(files.filter((f) => /^lib\/(clickhouse|populations|attribution)\//.test(f))).toEqual([])
    // what it does load: it reads a pack's app state (the recorded samples among it) and records the export
    expect(files).toEqual(expect.arrayContaining(['lib/evidence/app-state.ts', 'lib/evidence/samples.ts', 'lib/thresholds/in-force.ts']))
    expect(packages).toEqual(expect.arrayContaining(['@electric-sql/pglite', 'drizzle-orm']))
  })
})
