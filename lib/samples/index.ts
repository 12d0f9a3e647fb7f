// Auditor samples (evidence.md, Samples): drawn in ClickHouse by seed, recorded when drawn from the dashboard.
export { drawSample, drawSampleWithKeys, type DrawnSample, type Sample, type SampleRequest } from './draw'
export { recordSample, recordedSample, recordedSamples, type RecordedSample, type RecordedSampleQuery } from './record'
export { SAMPLE_POPULATIONS, type SamplePopulation } from './names'
export { MAX_RECORDED_SAMPLE, SUGGESTED_SAMPLE_SIZES } from './sizes'
