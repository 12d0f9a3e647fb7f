/** The populations an auditor samples (evidence.md, Samples), in the order the spec names them. */
export const SAMPLE_POPULATIONS = ['actions', 'credentials', 'triggers', 'identities', 'unattributed-actions', 'post-trigger-actions'] as const
export type SamplePopulation = (typeof SAMPLE_POPULATIONS)[number]
