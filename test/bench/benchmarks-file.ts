import fs from 'node:fs'

/** BENCHMARKS.md keeps one section per benchmark between markers; each run replaces its own section. */
export function writeSection(name: string, text: string, file = 'BENCHMARKS.md'): void {
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n\nWritten by `npm run bench`.\n'
  const start = `<!-- bench:${name} -->`
  const end = `<!-- /bench:${name} -->`
  const block = `${start}\n${text}\n${end}`
  const marked = new RegExp(`${start}[\\s\\S]*?${end}`)
  fs.writeFileSync(file, marked.test(current) ? current.replace(marked, () => block) : `${current}\n${block}\n`)
}
