import fs from 'node:fs'
import path from 'node:path'

export const ROOT = path.resolve(import.meta.dirname, '..', '..')

/** Repository-relative paths of every file under `dir`, sorted. */
export function filesUnder(dir: string): string[] {
  const found: string[] = []
  const visit = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
      const child = path.posix.join(rel, entry.name)
      if (entry.isDirectory()) visit(child)
      else found.push(child)
    }
  }
  visit(dir)
  return found.sort()
}

export function source(file: string): string {
  return fs.readFileSync(path.join(ROOT, file), 'utf8')
}

export type ExportedFunction = { name: string; isDefault: boolean; isAsync: boolean; params: string; body: string }

/**
 * The exported function declarations of a module (`export [default] [async] function`),
 * with their parameter list and body text. Enough for our own sources, which the
 * inventory requires to declare entry points this way.
 */
export function exportedFunctions(text: string): ExportedFunction[] {
  const found: ExportedFunction[] = []
  const head = /export\s+(default\s+)?(async\s+)?function\s*\*?\s*(\w*)\s*(?:<[^>]*>)?\s*\(/g
  for (let m = head.exec(text); m; m = head.exec(text)) {
    const paramsEnd = matching(text, m.index + m[0].length - 1, '(', ')')
    const bodyStart = bodyOpening(text, paramsEnd + 1)
    const bodyEnd = matching(text, bodyStart, '{', '}')
    found.push({
      name: m[3] || 'default',
      isDefault: Boolean(m[1]),
      isAsync: Boolean(m[2]),
      params: text.slice(m.index + m[0].length, paramsEnd),
      body: text.slice(bodyStart + 1, bodyEnd),
    })
  }
  return found
}

/** Names exported any other way (`export const X =`, `export { a as X }`). */
export function otherExports(text: string): string[] {
  const names: string[] = []
  for (const m of text.matchAll(/export\s+(?:const|let|var)\s+(\w+)/g)) names.push(m[1])
  for (const m of text.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1].split(',')) {
      const name = part.trim().split(/\s+as\s+/).pop()
      if (name) names.push(name)
    }
  }
  return names
}

/** True when the file's first statement is the 'use server' directive. */
export function isServerActionModule(text: string): boolean {
  return /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*['"]use server['"]/.test(text)
}

function matching(text: string, open: number, openChar: string, closeChar: string): number {
  let depth = 0
  for (let i = open; i < text.length; i++) {
    if (text[i] === openChar) depth++
    else if (text[i] === closeChar && --depth === 0) return i
  }
  throw new Error(`unbalanced ${openChar}${closeChar} at ${open}`)
}

// Skips a return type annotation such as `: Promise<{ a: string }>` to the body's `{`.
function bodyOpening(text: string, from: number): number {
  let angle = 0
  let brace = 0
  for (let i = from; i < text.length; i++) {
    const c = text[i]
    if (c === '<') angle++
    else if (c === '>' && text[i - 1] !== '=') angle--
    else if (c === '{' && angle === 0 && brace === 0 && !/:\s*$/.test(text.slice(from, i))) return i
    else if (c === '{') brace++
    else if (c === '}') brace--
  }
  throw new Error(`no function body after ${from}`)
}
