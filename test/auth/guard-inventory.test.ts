import { describe, expect, it } from 'vitest'
import { permissions } from '@/lib/auth/permissions'
import { ACTIONS, DATA_ACCESS_MODULES, PUBLIC_ENTRIES, ROUTES } from './routes'
import { exportedFunctions, filesUnder, isServerActionModule, otherExports, source } from './source-scan'

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']
const appFiles = filesUnder('app')
const entryFiles = appFiles.filter((f) => /(^|\/)(page\.tsx|route\.ts)$/.test(f))
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
})

describe('every entry point calls the guard first', () => {
  it('lists every page and route handler in app/ in the route matrix, and nothing else', () => {
    expect(entryFiles).toEqual(ROUTES.map((r) => r.file).sort())
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
    const direct = guardedFiles.filter((f) => /from\s+'@\/(db|lib\/clickhouse)(\/[^']*)?'/.test(source(f)) && !/from\s+'@\/db\/schema'/.test(source(f)))
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

describe('every data-access function takes the actor and calls requirePermission itself', () => {
  it.each(DATA_ACCESS_MODULES)('$file', (module) => {
    const functions = exportedFunctions(source(module.file)).filter((f) => f.isAsync)
    expect(functions.length).toBeGreaterThan(0)
    for (const fn of functions) {
      if (module.unguarded?.[fn.name]) continue
      expect(fn.params.trim(), `${module.file} ${fn.name}`).toMatch(/^actor\s*:\s*Actor\b/)
      expect(fn.body, `${module.file} ${fn.name}`).toMatch(/^\s*requirePermission\(actor, '[\w:-]+'\)/)
    }
  })
})
