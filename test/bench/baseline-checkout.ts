import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * A checkout of an earlier commit beside this one, sharing this one's installed packages
 * (hard links), so one bench run can time the earlier code and today's on the same machine
 * under the same load.
 */
export type BaselineCheckout = { ref: string; commit: string; dir: string; dispose: () => void }

export function checkoutBaseline(ref: string): BaselineCheckout {
  const commit = git(['rev-parse', '--short', `${ref}^{commit}`]).trim()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-bench-baseline-'))
  git(['worktree', 'add', '--detach', dir, commit])
  execFileSync('cp', ['-al', path.resolve('node_modules'), path.join(dir, 'node_modules')])
  return {
    ref,
    commit,
    dir,
    dispose: () => {
      git(['worktree', 'remove', '--force', dir])
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

function git(args: string[]): string {
  return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}
