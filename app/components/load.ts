import { unstable_rethrow } from 'next/navigation'

export type Loaded<T> = { ok: true; value: T } | { ok: false; message: string }

/** Runs a page's data call; a failure becomes a message the page shows in place (sign-in redirects and 403s still propagate). */
export async function load<T>(run: () => Promise<T>): Promise<Loaded<T>> {
  try {
    return { ok: true, value: await run() }
  } catch (err) {
    unstable_rethrow(err)
    console.error(err)
    return { ok: false, message: err instanceof Error ? err.message.split('\n')[0].slice(0, 300) : String(err) }
  }
}
