import protobuf from 'protobufjs/light.js'
import definitions from './opentelemetry-proto.json'

/**
 * OTLP/HTTP protobuf ↔ the OTLP/JSON shape the otlp parser reads. The definitions are
 * opentelemetry-proto v1.11.0 (common, resource, trace, logs, collector), kept as a protobufjs
 * JSON descriptor: no npm package ships the .proto files, and @opentelemetry/otlp-transformer
 * cannot decode requests.
 */
const root = protobuf.Root.fromJSON(definitions)

export type OtlpSignal = 'traces' | 'logs'

const TYPES = {
  traces: {
    request: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
    response: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
    rejectedField: 'rejectedSpans',
  },
  logs: {
    request: root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest'),
    response: root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse'),
    rejectedField: 'rejectedLogRecords',
  },
} as const

// OTLP/JSON writes these bytes fields as hex; every other bytes value (bytesValue) as base64.
const HEX_IDS = new Set(['traceId', 'spanId', 'parentSpanId'])

/** Decodes an export request to its OTLP/JSON text; a body that is not one throws (answer 400). */
export function otlpProtobufToJson(signal: OtlpSignal, body: Uint8Array): string {
  const type = TYPES[signal].request
  const message = type.decode(body)
  const object = type.toObject(message, { longs: String, bytes: String, enums: Number, defaults: false })
  return JSON.stringify(object, (key, value) => (HEX_IDS.has(key) && typeof value === 'string' ? Buffer.from(value, 'base64').toString('hex') : value))
}

export type PartialSuccess = { rejected: number; errorMessage: string } | null

/** An Export*ServiceResponse: partialSuccess only when something was rejected (OTLP spec). */
export function otlpResponseObject(signal: OtlpSignal, partial: PartialSuccess): Record<string, unknown> {
  if (!partial) return {}
  return { partialSuccess: { [TYPES[signal].rejectedField]: String(partial.rejected), errorMessage: partial.errorMessage } }
}

export function encodeOtlpResponse(signal: OtlpSignal, partial: PartialSuccess): Uint8Array {
  const type = TYPES[signal].response
  return type.encode(type.fromObject(otlpResponseObject(signal, partial))).finish()
}
