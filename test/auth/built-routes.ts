import fs from 'node:fs'
import path from 'node:path'
import { ROOT, filesUnder } from './source-scan'

/**
 * What `next build` serves, read from its manifests rather than guessed from file names:
 * every app route (pages, route handlers, metadata routes such as sitemap.ts or
 * opengraph-image.tsx) and every server action, each mapped back to its source file.
 */
export type BuiltRoute = { key: string; file: string; kind: 'page' | 'api' }

// Next's own pages, built whether or not app/ defines them; when app/ does, that file is the route.
const NEXT_BUILT_INS: Record<string, string> = { '/_not-found/page': 'not-found', '/_global-error/page': 'global-error' }

export function builtRoutes(): BuiltRoute[] {
  const manifest = readManifest<Record<string, string>>('server/app-paths-manifest.json')
  return Object.keys(manifest).flatMap((key) => {
    const kind = key.endsWith('/page') ? 'page' : 'api'
    const builtIn = NEXT_BUILT_INS[key]
    if (builtIn) {
      const own = file(builtIn)
      return own ? [{ key, file: own, kind }] : []
    }
    const found = routeSource(key)
    if (!found) {
      throw new Error(`the build serves ${key}, but no file in app/ matches it: a build older than app/ (run \`npx next build\`), or a kind of route test/auth/built-routes.ts must learn to map`)
    }
    return [{ key, file: found, kind }]
  })
}

/** Every server action the build registered, as `file#exportedName`. */
export function builtActions(): string[] {
  const manifest = readManifest<{ node: Record<string, { filename: string; exportedName: string }> }>('server/server-reference-manifest.json')
  return [...new Set(Object.values(manifest.node).map((a) => `${a.filename}#${a.exportedName}`))].sort()
}

/** Files in app/ that Next turns into routes by their name, to catch a build older than app/. */
export function routeFilesByName(): string[] {
  const special = /(^|\/)(page|route|default|not-found|global-error|sitemap|robots|manifest|icon|apple-icon|opengraph-image|twitter-image)\.(tsx?|jsx?|mdx)$|(^|\/)favicon\.ico$/
  return filesUnder('app').filter((f) => special.test(f))
}

// '/api/reports/[name]/route' → app/api/reports/[name]/route.ts; '/sitemap.xml/route' → app/sitemap.ts
function routeSource(key: string): string | null {
  const segments = key.split('/').filter(Boolean)
  const leaf = segments.pop()!
  return file([...segments, leaf].join('/')) ?? file(segments.join('/').replace(/\.[a-z]+$/, ''))
}

function file(stem: string): string | null {
  const dir = path.posix.join('app', path.posix.dirname(stem))
  const base = path.posix.basename(stem)
  if (!fs.existsSync(path.join(ROOT, dir))) return null
  const match = fs.readdirSync(path.join(ROOT, dir)).find((name) => name.replace(/\.[^.]+$/, '') === base && fs.statSync(path.join(ROOT, dir, name)).isFile())
  return match ? path.posix.join(dir, match) : null
}

function readManifest<T>(name: string): T {
  const at = path.join(ROOT, '.next', name)
  if (!fs.existsSync(at)) {
    throw new Error(`no build at .next/${name}: the guard inventory reads the build's route manifest; run \`npx next build\` first (npm test builds before vitest)`)
  }
  return JSON.parse(fs.readFileSync(at, 'utf8')) as T
}
