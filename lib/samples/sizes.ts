/**
 * Sample sizes auditors commonly accept by how often a control runs (AICPA guidance as
 * practitioners tabulate it; reliability-soc2.md §3.3). The AICPA prescribes none: these are
 * suggestions shown beside the sample picker, judged by the control's frequency, not volume.
 */
export const SUGGESTED_SAMPLE_SIZES = [
  { frequency: 'annual', label: 'Annual', min: 1, max: 1 },
  { frequency: 'quarterly', label: 'Quarterly', min: 2, max: 2 },
  { frequency: 'monthly', label: 'Monthly', min: 2, max: 5 },
  { frequency: 'weekly', label: 'Weekly', min: 5, max: 15 },
  { frequency: 'daily', label: 'Daily', min: 20, max: 40 },
  { frequency: 'many-times-a-day', label: 'Many times a day', min: 25, max: 60 },
] as const

/** The most a sample drawn from the dashboard may hold: beyond the largest suggestion, an auditor downloads the population. */
export const MAX_RECORDED_SAMPLE = 500
