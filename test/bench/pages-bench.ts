// The page benchmark (issue 8): server render time of every dashboard page, signed in as an
// auditor, over the demo company (BENCH_PAGES_SCALE, default 1) or an existing data dir
// (BENCH_PAGES_DATA_DIR, e.g. the 10M-action report benchmark's). Render time = from the
// request to the last byte of the streamed HTML, so every Suspense section is included.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium } from 'playwright-core'

const PORT = Number(process.env.BENCH_PAGES_PORT ?? 3190)
const BASE = `http://127.0.0.1:${PORT}`
const RUNS = Number(process.env.BENCH_PAGES_RUNS ?? 5)

/** `dataDir`: an existing data dir with the demo users in it; else the demo company is loaded. */
export type PagesBenchOptions = { dataDir?: string; over?: string; title?: string; runs?: number }

export type PageTiming = { page: string; url: string; medianMs: number; maxMs: number; kb: number }

export async function benchPages(options: PagesBenchOptions = {}): Promise<string> {
  const given = options.dataDir ?? process.env.BENCH_PAGES_DATA_DIR
  const runs = options.runs ?? RUNS
  const dataDir = given ?? fs.mkdtempSync(path.join(os.tmpdir(), 'custody-bench-pages-'))
  const scale = Number(process.env.BENCH_PAGES_SCALE ?? 1)
  const env = { ...process.env, CUSTODY_DATA_DIR: dataDir, NEXTAUTH_URL: BASE, CUSTODY_QUERY_TIMEOUT_SECONDS: '900' }
  try {
    if (!given) {
      process.stderr.write(`pages: loading the demo company (scale ${scale}) into ${dataDir}\n`)
      execFileSync('npx', ['tsx', 'lib/cli/main.ts', 'demo', '--scale', String(scale)], { env, stdio: ['ignore', 'ignore', 'inherit'] })
    }
    // the pages as built: rebuild (BENCH_PAGES_REBUILD=1) after changing app code
    if (!fs.existsSync('.next/BUILD_ID') || process.env.BENCH_PAGES_REBUILD) execFileSync('npx', ['next', 'build'], { stdio: 'inherit' })
    const server = spawn('node', ['node_modules/next/dist/bin/next', 'start', '-p', String(PORT), '-H', '127.0.0.1'], { env, stdio: 'ignore' })
    try {
      await until(async () => (await fetch(`${BASE}/api/health`)).ok)
      const cookie = await signInCookie()
      const timings = await timePages(cookie, runs)
      const over = options.over ?? (given ? `the data dir ${given}` : `the demo company at scale ${scale}`)
      return pagesSection(timings, over, runs, options.title ?? 'Page render time (issue 8)')
    } finally {
      stop(server)
    }
  } finally {
    if (!given) fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

async function timePages(cookie: string, runs: number): Promise<PageTiming[]> {
  const get = (url: string) => fetch(`${BASE}${url}`, { headers: { cookie }, redirect: 'manual' })
  const res = await get('/')
  const overview = await res.text()
  const period = /(\d{4}-\d{2}-\d{2}T00:00:00\.000Z)(?:<!-- -->)? ≤ t &lt; (?:<!-- -->)?(\d{4}-\d{2}-\d{2}T00:00:00\.000Z)/.exec(overview)
  if (!period) throw new Error(`pages: the overview (HTTP ${res.status}) shows no period: is the demo loaded, and the sign-in working?`)
  const q = `from=${period[1]}&to=${period[2]}`
  const attribution = await (await get(`/api/reports/attribution?${q}`)).json()
  const person = attribution.identities[0]?.identity as string
  const eventId = /\/actions\/([0-9a-f]{64})/.exec(await (await get(`/actions?${q}`)).text())?.[1]
  const pages = [
    ['overview', `/?${q}`], ['attribution', `/attribution?${q}`], ['person', `/attribution/${encodeURIComponent(person)}?${q}`],
    ['actions', `/actions?${q}`], ['chain of custody', `/actions/${eventId}`], ['unattributed', `/unattributed?${q}`],
    ['token-age', `/token-age?${q}`], ['revocation-latency', `/revocation-latency?${q}`], ['off-gateway', `/off-gateway?${q}`], ['coverage', `/coverage?${q}`],
  ]
  const timings: PageTiming[] = []
  for (const [page, url] of pages) {
    let kb = 0
    const ms: number[] = []
    for (let i = 0; i <= runs; i++) {
      const started = performance.now()
      const res = await get(url)
      const body = await res.text()
      if (res.status !== 200) throw new Error(`pages: ${url} answered ${res.status}`)
      if (i > 0) ms.push(performance.now() - started) // the first run warms the server's code paths
      kb = Math.round(body.length / 1024)
    }
    ms.sort((a, b) => a - b)
    timings.push({ page, url, medianMs: Math.round(ms[Math.floor(ms.length / 2)]), maxMs: Math.round(ms.at(-1)!), kb })
    process.stderr.write(`pages: ${page} ${timings.at(-1)!.medianMs} ms\n`)
  }
  return timings
}

/** Signs in through the real form (local auditor account) and returns the session cookie. */
export async function signInCookie(base = BASE): Promise<string> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] })
  try {
    const page = await browser.newPage()
    await page.goto(`${base}/signin`)
    await page.getByLabel('E-mail').fill('auditor@custody.local')
    await page.getByLabel('Password').fill('custody-demo')
    await page.getByLabel('Password').press('Enter')
    await page.getByTestId('signed-in-as').waitFor({ timeout: 60_000 })
    return (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ')
  } finally {
    await browser.close()
  }
}

function pagesSection(timings: PageTiming[], over: string, runs: number, title: string): string {
  return [
    `## ${title}`,
    '',
    `Measured ${new Date().toISOString()} on ${os.cpus().length} cores (load average ${os.loadavg()[0].toFixed(1)} at the end: other work shared the machine), Node ${process.version},`,
    `\`next start\` over ${over}, signed in as an auditor,`,
    `each page over the last full month with data. Time = request to the last byte of the streamed HTML (every report section included),`,
    `median and max of ${runs} runs after one warm-up. Goal: ≤ 500 ms for pages whose reports cover a month of demo data.`,
    '',
    '| page | median ms | max ms | HTML KB | goal |',
    '| --- | ---: | ---: | ---: | --- |',
    ...timings.map((t) => `| ${t.page} | ${t.medianMs} | ${t.maxMs} | ${t.kb} | ${t.medianMs <= 500 ? 'met' : 'missed'} |`),
    '',
  ].join('\n')
}

async function until(ready: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await ready().catch(() => false)) return
    await new Promise((r) => setTimeout(r, 500))
  }
  throw new Error('pages: the server did not start')
}

function stop(server: ChildProcess): void {
  if (server.exitCode === null) server.kill('SIGTERM')
}
