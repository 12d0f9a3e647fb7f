import fs from 'node:fs'
import path from 'node:path'
import { ROOT, exportedFunctions, filesUnder, source } from './source-scan'

/**
 * Which exported functions under lib/ read or change evidence or app state: those that
 * reach a store gateway (@/lib/clickhouse, @/db) through their own text, through the
 * module's other top-level declarations, or through another lib function that does.
 * Text-level, for our own sources: top-level declarations start at column 0.
 */

// Everything the gateways export reaches a store, except the vocabulary for writing SQL.
const SQL_VOCABULARY = new Set(['sql', 'joinSql', 'unsafeRawSql', 'typed', 'SqlFragment'])
export const isGateway = (file: string) => file.startsWith('lib/clickhouse/') || file === 'db/index.ts'

export type DataAccessFunction = {
  file: string
  name: string
  /** A store name it reaches through (first found), for the failure message. */
  via: string
  /** Its parameters and body when declared `export [async] function`; null for a const, class or wrapped function, which cannot be checked. */
  declared: { params: string; body: string } | null
}

/** The house rule: `(actor: Actor, …)` and requirePermission(actor, '…') as the first statement. */
export function guardsItself(f: DataAccessFunction): boolean {
  return f.declared !== null && /^actor\s*:\s*Actor\b/.test(f.declared.params.trim()) && /^\s*requirePermission\(actor, '[\w:-]+'\)/.test(f.declared.body)
}

/** `typeOnly`: `import type { … }` or `{ type X }`, which reads nothing at run time. */
type Import = { local: string; imported: string; file: string | null; typeOnly?: boolean }
type Declaration = { name: string; exported: boolean; isType: boolean; words: Set<string>; dynamicImports: string[] }
type Module = { file: string; imports: Import[]; declarations: Declaration[]; reexports: Map<string, Import> }

export function dataAccessFunctions(): DataAccessFunction[] {
  const modules = new Map(filesUnder('lib').filter((f) => /\.tsx?$/.test(f) && !isGateway(f)).map((f) => [f, parseModule(f)]))
  const reading = new Map<string, Map<string, string>>() // file → declaration → via
  for (let changed = true; changed; ) {
    changed = false
    for (const module of modules.values()) {
      const mine = reading.get(module.file) ?? new Map<string, string>()
      reading.set(module.file, mine)
      const storeNames = new Map<string, string>()
      const storeTypes = new Set<string>() // AppStore and types built from it: a function taking one reads
      for (const imp of module.imports) {
        const via = reachesStore(imp, modules, reading)
        if (via) storeNames.set(imp.local, via)
        if (via && imp.file && isGateway(imp.file)) storeTypes.add(imp.local)
      }
      for (const decl of module.declarations) if (decl.isType && mine.has(decl.name)) storeTypes.add(decl.name)
      for (const decl of module.declarations) {
        if (mine.has(decl.name)) continue
        const words = [...decl.words].filter((w) => w !== decl.name && (!decl.isType || storeTypes.has(w)))
        const via = words.map((w) => storeNames.get(w) ?? (mine.has(w) ? w : undefined)).find(Boolean)
          ?? decl.dynamicImports.find((file) => isGateway(file) || (reading.get(file)?.size ?? 0) > 0)
        if (via) mine.set(decl.name, via)
        changed ||= Boolean(via)
      }
      for (const [name, imp] of module.reexports) {
        const via = reachesStore(imp, modules, reading)
        if (via && !mine.has(name)) (mine.set(name, via), (changed = true))
      }
    }
  }
  return [...modules.values()].flatMap((module) => {
    const declared = new Map(exportedFunctions(source(module.file)).map((f) => [f.name, f]))
    return module.declarations
      .filter((d) => d.exported && !d.isType && reading.get(module.file)!.has(d.name))
      .map((d) => {
        const fn = declared.get(d.name)
        return { file: module.file, name: d.name, via: reading.get(module.file)!.get(d.name)!, declared: fn ? { params: fn.params, body: fn.body } : null }
      })
  })
}

/** What a file imports, by local name, imported name and the repository file it comes from (null outside it). */
export function importsOf(file: string): Import[] {
  return importsIn(source(file), file)
}

export function importsIn(text: string, file: string): Import[] {
  return parseImports(stripComments(text), file)
}

function reachesStore(imp: Import, modules: Map<string, Module>, reading: Map<string, Map<string, string>>): string | undefined {
  if (!imp.file) return undefined
  if (isGateway(imp.file)) return SQL_VOCABULARY.has(imp.imported) ? undefined : imp.imported
  if (imp.imported === '*') return (reading.get(imp.file)?.size ?? 0) > 0 ? `${imp.local}.*` : undefined
  return reading.get(imp.file)?.has(imp.imported) ? `${imp.imported} (${imp.file})` : undefined
}

function parseModule(file: string): Module {
  const text = stripComments(source(file))
  const reexports = new Map<string, Import>()
  for (const m of text.matchAll(/^export\s*\{([^}]*)\}\s*from\s*'([^']+)'/gm)) {
    for (const spec of specifiers(m[1], resolveImport(m[2], file))) reexports.set(spec.local, spec)
  }
  const starts = [...text.matchAll(/^(export\s+)?(?:default\s+)?(?:declare\s+)?(?:async\s+)?(function\s*\*?|const|let|var|class|type|interface|enum)\s*(\w+)/gm)]
  const declarations = starts.map((m, i) => {
    const chunk = text.slice(m.index, starts[i + 1]?.index ?? text.length)
    return {
      name: m[3],
      exported: Boolean(m[1]),
      isType: m[2] === 'type' || m[2] === 'interface',
      words: new Set(chunk.match(/[A-Za-z_$][\w$]*/g) ?? []),
      dynamicImports: [...chunk.matchAll(/import\(\s*'([^']+)'\s*\)/g)].map((d) => resolveImport(d[1], file)).filter((f): f is string => f !== null),
    }
  })
  return { file, imports: parseImports(text, file), declarations, reexports }
}

function parseImports(text: string, file: string): Import[] {
  const found: Import[] = []
  for (const m of text.matchAll(/^import\s+(type\s+)?([\s\S]*?)\s+from\s+'([^']+)'/gm)) {
    const target = resolveImport(m[3], file)
    const clause = m[2]
    const named = /\{([\s\S]*)\}/.exec(clause)
    if (named) found.push(...specifiers(named[1], target).map((i) => (m[1] ? { ...i, typeOnly: true } : i)))
    const namespace = /\*\s+as\s+(\w+)/.exec(clause)
    if (namespace) found.push({ local: namespace[1], imported: '*', file: target })
    const fallback = /^(\w+)/.exec(clause.replace(/^type\s+/, ''))
    if (fallback && !named && !namespace) found.push({ local: fallback[1], imported: 'default', file: target })
  }
  return found
}

function specifiers(list: string, file: string | null): Import[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const typeOnly = /^type\s/.test(s) || undefined
      const [imported, local = imported] = s.replace(/^type\s+/, '').split(/\s+as\s+/)
      return { local, imported, file, typeOnly }
    })
}

function resolveImport(spec: string, from: string): string | null {
  const base = spec.startsWith('@/') ? spec.slice(2) : spec.startsWith('.') ? path.posix.join(path.posix.dirname(from), spec) : null
  if (base === null) return null
  return [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`, base].find((f) => fs.existsSync(path.join(ROOT, f)) && fs.statSync(path.join(ROOT, f)).isFile()) ?? null
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"\w])\/\/.*$/gm, '$1')
}
