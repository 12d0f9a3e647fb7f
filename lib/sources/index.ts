import { auth0Source } from './auth0'
import { entraSource } from './entra'
import { gatewaySource } from './gateway'
import { googleSource } from './google'
import { keycloakSource } from './keycloak'
import { keysSource } from './keys'
import { ocsfSource } from './ocsf'
import { oktaSource } from './okta'
import { otlpSource } from './otlp'
import type { SourceName, SourceParser } from './types'

const PARSERS = {
  okta: oktaSource,
  entra: entraSource,
  auth0: auth0Source,
  keycloak: keycloakSource,
  google: googleSource,
  ocsf: ocsfSource,
  gateway: gatewaySource,
  otlp: otlpSource,
  keys: keysSource,
} satisfies Partial<Record<SourceName, SourceParser>>

export type IngestibleSource = keyof typeof PARSERS
export const INGESTIBLE_SOURCES = Object.keys(PARSERS) as [IngestibleSource, ...IngestibleSource[]]

export function sourceParser(name: IngestibleSource): SourceParser {
  return PARSERS[name]
}
