import { z } from 'zod'

/** The flags an action can carry (metrics.md, Flags on an action), in the report's order. */
export const ACTION_FLAGS = ['after_expiry', 'after_revocation', 'after_deprovision', 'conflict'] as const
export type ActionFlag = (typeof ACTION_FLAGS)[number]

/** A ClickHouse 0/1 (or Bool) as a boolean. */
export const chFlag = z.union([z.boolean(), z.number()]).transform((v) => Boolean(v))
