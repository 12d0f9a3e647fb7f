import type { RuleId } from '../rules'
import type { Breach, RuleInput } from './breach'
import { ownerlessServiceAccountBreaches } from './ownerless'
import { sourceSilentBreaches } from './source-silent'
import { tokenOverMaxAgeBreaches } from './token-over-max-age'
import { unattributedRatioBreaches } from './unattributed-ratio'
import { unresolvedTriggerBreaches } from './unresolved-trigger'
import { useAfterDeprovisionBreaches, useAfterRevocationBreaches } from './use-after'

export type { Breach, RuleInput } from './breach'

/** Each rule's one ClickHouse query: the subjects breaking it, given the settings and the newest event. */
export const RULE_QUERIES: Record<RuleId, (input: RuleInput) => Promise<Breach[]>> = {
  unattributed_ratio: unattributedRatioBreaches,
  use_after_revocation: useAfterRevocationBreaches,
  use_after_deprovision: useAfterDeprovisionBreaches,
  ownerless_service_account: ownerlessServiceAccountBreaches,
  unresolved_trigger: unresolvedTriggerBreaches,
  token_over_max_age: tokenOverMaxAgeBreaches,
  source_silent: sourceSilentBreaches,
}
