/** A record's exact text and where it was: the NDJSON line, or the record index in a document. */
export type RawRecord = { line: number; text: string }
/** A record the reader could not hand on: larger than the limit, or where the input broke off. */
export type ReadReject = { line: number; error: string; text: string }
/** What a reader has found so far; the caller empties both arrays as it takes them. */
export type ReadOutput = { records: RawRecord[]; rejects: ReadReject[] }

/** How much of a record too large to keep is kept to show in its reject. */
export const REJECTED_HEAD_CHARS = 4096
