import { secretScrubber } from './secrets'

/**
 * The secret scrubber every vendor parser but Okta's calls (metrics.md, Secrets): one import
 * to re-point when the scrubber changes.
 */
export const { scrubRecord, scrubText } = secretScrubber()
