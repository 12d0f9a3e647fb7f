import { describe, expect, it } from 'vitest'
import { permissions } from '@/lib/auth/permissions'
import { builtActions, builtRoutes, routeFilesByName } from './built-routes'
import { dataAccessFunctions, guardsItself, importsIn, importsOf, isGateway, type DataAccessFunction } from './lib-scan'
import { ACTIONS, PUBLIC_ENTRIES, ROUTES } from './routes'
import { exportedFunctions, filesUnder, isServerActionModule, otherExports, source } from './source-scan'
import { UNGUARDED, UNGUARDED_IN_APP } from './unguarded'

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']
const appFiles = filesUnder('app')
const codeFiles = [...appFiles, ...filesUnder('lib')].filter((f) => /\.tsx?$/.test(f))
const actionFiles = codeFiles.filter((f) => isServerActionModule(source(f)))

/** The permission a body's first statement demands through the guard, or null. */
function guardedWith(body: string, withRequest: boolean): string | null {
  const call = withRequest
    ? /^\s*const\s+actor\s*=\s*await\s+currentActor\(\s*'([\w:-]+)'\s*,\s*request\s*\)/
    : /^\s*const\s+actor\s*=\s*await\s+currentActor\(\s*'([\w:-]+)'\s*\)/
  return call.exec(body)?.[1] ?? null
}

describe('the inventory itself', () => {
  it('tells a guarded handler from one that forgot the guard or checks too late', () => {
    const [good, late, none] = exportedFunctions(`
      export async function GET(request: Request): Promise<Response> {
        const actor = await currentActor('reports:read', request)
        return Response.json(await report(actor))
      }
      export async function POST(request: Request) {
        const body = await request.json()
        const actor = await currentActor('thresholds:write', request)
      }
      export async function PUT(request: Request) { return new Response(null) }`)
    expect([good, late, none].map((f) => f.name)).toEqual(['GET', 'POST', 'PUT'])
    expect(guardedWith(good.body, true)).toBe('reports:read')
    expect(guardedWith(late.body, true)).toBeNull()
    expect(guardedWith(none.body, true)).toBeNull()
  })

  it('sees handlers exported any other way, and "use server" only as a first statement', () => {
    expect(otherExports('const h = () => 1\nexport { h as GET, x }\nexport const POST = h')).toEqual(['POST', 'GET', 'x'])
    expect(isServerActionModule("// actions\n'use server'\nexport async function a() {}")).toBe(true)
    expect(isServerActionModule("import x from 'y'\n'use server'")).toBe(false)
  })

  it('sees a store import in a file that also imports the schema', () => {
    const imports = importsIn("import { roles } from '@/db/schema'\nimport { openAppStore, type AppStore } from '@/db'", 'app/x.ts')
    expect(imports.filter((i) => i.file && isGateway(i.file)).map((i) => i.imported)).toEqual(['openAppStore', 'AppStore'])
  })
})

describe('every entry point calls the guard first', () => {
  it('lists every route the build serves in the route matrix, as what it is, and nothing else', () => {
    const built = builtRoutes()
    expect(built.map((r) => r.file).sort()).toEqual(ROUTES.map((r) => r.file).sort())
    for (const route of built) expect(ROUTES.find((r) => r.file === route.file)?.kind, route.file).toBe(route.kind)
  })

  it('reads a build of the current app/: every file Next serves by its name is in it', () => {
    const built = new Set(builtRoutes().map((r) => r.file))
    const missing = routeFilesByName().filter((f) => !built.has(f))
    expect(missing, 'these app/ files are newer than the build: run `npx next build`').toEqual([])
  })

  it('lists every server action the build registered in the action matrix', () => {
    const known = new Set(ACTIONS.map((a) => `${a.file}#${a.name}`))
    expect(builtActions().filter((a) => !known.has(a))).toEqual([])
    expect(builtActions().length).toBeGreaterThan(0)
  })

  it('lists every server action module and its exported actions in the action matrix', () => {
    const exported = actionFiles.flatMap((file) => [
      ...exportedFunctions(source(file)).map((f) => `${file}#${f.name}`),
      ...otherExports(source(file)).map((name) => `${file}#${name}`),
    ])
    expect(exported.sort()).toEqual(ACTIONS.map((a) => `${a.file}#${a.name}`).sort())
  })

  it('allows no inline "use server" functions: actions live in actions files', () => {
    const inline = codeFiles.filter((f) => !isServerActionModule(source(f)) && /['"]use server['"]/.test(source(f)))
    expect(inline).toEqual([])
  })

  it('names only known permissions, and only the allow-listed entries are public', () => {
    for (const entry of [...ROUTES, ...ACTIONS]) expect([...permissions, 'public']).toContain(entry.permission)
    const publicFiles = [...new Set([...ROUTES, ...ACTIONS].filter((e) => e.permission === 'public').map((e) => e.file))]
    expect(publicFiles.sort()).toEqual(Object.keys(PUBLIC_ENTRIES).sort())
  })

  it.each(ROUTES.filter((r) => r.permission !== 'public' && r.kind === 'page'))('$file starts with currentActor($permission)', (route) => {
    const pages = exportedFunctions(source(route.file)).filter((f) => f.isDefault)
    expect(pages).toHaveLength(1)
    expect(guardedWith(pages[0].body, false)).toBe(route.permission)
  })

  it.each(ROUTES.filter((r) => r.permission !== 'public' && r.kind === 'api'))('$file: every method starts with currentActor($permission, request)', (route) => {
    const text = source(route.file)
    const methods = exportedFunctions(text).filter((f) => HTTP_METHODS.includes(f.name))
    expect(methods.length).toBeGreaterThan(0)
    expect(otherExports(text).filter((n) => HTTP_METHODS.includes(n))).toEqual([])
    for (const method of methods) {
      expect(method.params.trim()).toMatch(/^request\b/)
      expect(guardedWith(method.body, true), `${route.file} ${method.name}`).toBe(route.permission)
    }
  })

  it.each(ACTIONS.filter((a) => a.permission !== 'public'))('$file#$name starts with currentActor($permission)', (action) => {
    const fn = exportedFunctions(source(action.file)).find((f) => f.name === action.name)
    expect(fn).toBeDefined()
    expect(guardedWith(fn!.body, false)).toBe(action.permission)
  })

  it('keeps app/ away from the stores: pages reach data only through guarded lib functions', () => {
    const guardedFiles = appFiles.filter((f) => /\.tsx?$/.test(f) && !(f in PUBLIC_ENTRIES))
    const direct = guardedFiles.flatMap((f) => importsOf(f).filter((i) => i.file && isGateway(i.file)).map((i) => `${f} imports ${i.imported} from ${i.file}`))
    expect(direct).toEqual([])
  })

  it('never authorizes in the proxy: it reads no session, redirects nowhere, rewrites only CSV downloads', () => {
    const proxy = source('proxy.ts')
    expect(proxy).not.toMatch(/currentActor|signedInActor|cookies|getToken|redirect\(/)
    // the one rewrite: a page's ?format=csv to its population's route handler, which guards itself
    expect(proxy.match(/rewrite\(/g)).toHaveLength(1)
    expect(proxy).toMatch(/NextResponse\.rewrite\(new URL\(csv, request\.url\)/)
    expect(source('lib/populations/csv-routes.ts').match(/'\/api\/[^']*'/g)?.every((p) => p.startsWith("'/api/populations/"))).toBe(true)
  })
})

const dataAccess = dataAccessFunctions()
const key = (f: DataAccessFunction) => `${f.file}#${f.name}`
const exemption = (f: DataAccessFunction) =>
  UNGUARDED[key(f)] ?? UNGUARDED_IN_APP[key(f)] ?? Object.entries(UNGUARDED).find(([k]) => k.endsWith('/') && f.file.startsWith(k))?.[1]
const guards = guardsItself

describe('every exported lib/ function that reads evidence or app state calls requirePermission first', () => {
  it('finds them: direct store access, a store handle taken as a parameter, and access through another module', () => {
    expect(dataAccess.map(key)).toEqual(
      expect.arrayContaining([
        'lib/reports/run.ts#evidenceReport', // openAppStore
        'lib/overview/trend.ts#actionTrend', // query
        'lib/users/index.ts#listUsers', // (db: AppStore)
        'lib/reports/unattributed.ts#unattributedReport', // reportRow in lib/reports/common.ts
        'lib/auth/current.ts#signedInActor', // a const wrapping a function
      ]),
    )
    expect(dataAccess.map(key)).not.toContain('lib/attribution/credentials.ts#credentialsCte') // builds SQL, runs none
  })

  it.each(dataAccess.filter((f) => !exemption(f)).map((f) => [key(f), f] as const))('%s', (_, f) => {
    const how = f.declared
      ? `does not start with requirePermission(actor, '<permission>')`
      : 'is exported as a const or class, so its guard cannot be checked'
    expect(guards(f), `${key(f)} reads evidence or app state (through ${f.via}) but ${how}. Declare it \`export async function ${f.name}(actor: Actor, …)\` with requirePermission(actor, …) as its first statement, or list it in UNGUARDED (test/auth/unguarded.ts) with the reason it needs no guard.`).toBe(true)
  })

  it('keeps the unguarded list true: each entry names data access that does not guard', () => {
    const stale = [...Object.keys(UNGUARDED), ...Object.keys(UNGUARDED_IN_APP)].filter((entry) => {
      const matches = dataAccess.filter((f) => (entry.endsWith('/') ? f.file.startsWith(entry) : key(f) === entry))
      return matches.length === 0 || matches.every(guards)
    })
    expect(stale, 'these entries match no unguarded data access any more: remove them from test/auth/unguarded.ts').toEqual([])
  })

  it('keeps unguarded data access out of pages and route handlers, but the guard itself and the public entries', () => {
    const internal = new Set(dataAccess.filter((f) => !guards(f) && !UNGUARDED_IN_APP[key(f)]).map(key))
    const reached = appFiles
      .filter((f) => /\.tsx?$/.test(f) && !(f in PUBLIC_ENTRIES))
      .flatMap((f) => importsOf(f).filter((i) => !i.typeOnly && internal.has(`${i.file}#${i.imported}`)).map((i) => `${f} imports ${i.file}#${i.imported}`))
    expect(reached).toEqual([])
  })
})
