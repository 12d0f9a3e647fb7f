/** The fixed cast of the demo company: names, MCP servers, agent clients, service accounts. */
import { DAY, PERIOD_START } from './clock'

export const FIRST_NAMES = [
  'Dana', 'Alex', 'Priya', 'Marcus', 'Elena', 'Tom', 'Aisha', 'Kenji', 'Sofia', 'Liam', 'Noah', 'Maya', 'Omar',
  'Chloe', 'Ravi', 'Hannah', 'Diego', 'Ingrid', 'Wei', 'Fatima', 'Lucas', 'Grace', 'Mateo', 'Zoe', 'Arjun', 'Nina',
  'Samuel', 'Leila', 'Oscar', 'Yuki', 'Emma', 'Jonas', 'Amara', 'Felix', 'Rosa', 'Ethan', 'Mei', 'Tariq', 'Clara',
  'Victor', 'Anya', 'Hugo', 'Isla', 'Kofi', 'Lena', 'Mikael', 'Nadia', 'Pablo', 'Quinn', 'Sara', 'Theo', 'Uma',
]

export const LAST_NAMES = [
  'Lee', 'Patel', 'Garcia', 'Kim', 'Novak', 'Okafor', 'Schmidt', 'Rossi', 'Nguyen', 'Silva', 'Cohen', 'Tanaka',
  'Murphy', 'Haddad', 'Larsen', 'Brown', 'Costa', 'Fischer', 'Ivanova', 'Jensen', 'Khan', 'Lopez', 'Moreau',
  'Nakamura', 'Olsen', 'Park', 'Quinn', 'Reyes', 'Sato', 'Turner', 'Vasquez', 'Walsh', 'Young', 'Zhang', 'Berg',
  'Diaz', 'Evans', 'Ferreira', 'Gupta', 'Hughes',
]

export type City = { city: string; state: string; country: string; lat: number; lon: number; utcOffset: number }

export const CITIES: City[] = [
  { city: 'San Francisco', state: 'California', country: 'United States', lat: 37.77, lon: -122.42, utcOffset: -8 },
  { city: 'Seattle', state: 'Washington', country: 'United States', lat: 47.61, lon: -122.33, utcOffset: -8 },
  { city: 'Austin', state: 'Texas', country: 'United States', lat: 30.27, lon: -97.74, utcOffset: -6 },
  { city: 'New York', state: 'New York', country: 'United States', lat: 40.71, lon: -74.01, utcOffset: -5 },
  { city: 'Toronto', state: 'Ontario', country: 'Canada', lat: 43.65, lon: -79.38, utcOffset: -5 },
  { city: 'Dublin', state: 'Leinster', country: 'Ireland', lat: 53.34, lon: -6.26, utcOffset: 0 },
  { city: 'London', state: 'England', country: 'United Kingdom', lat: 51.51, lon: -0.13, utcOffset: 0 },
  { city: 'Berlin', state: 'Berlin', country: 'Germany', lat: 52.52, lon: 13.4, utcOffset: 1 },
  { city: 'Lisbon', state: 'Lisbon', country: 'Portugal', lat: 38.72, lon: -9.14, utcOffset: 0 },
  { city: 'Bengaluru', state: 'Karnataka', country: 'India', lat: 12.97, lon: 77.59, utcOffset: 5.5 },
]

export const DEPARTMENTS = ['engineering', 'sales', 'support', 'finance', 'people', 'marketing', 'it'] as const
export type Department = (typeof DEPARTMENTS)[number]
export const DEPARTMENT_SHARES = [45, 15, 12, 8, 5, 8, 7]

export type McpServer = {
  name: string
  tools: string[]
  resources: string[]
  prompts: string[]
  /** how much each department uses it (DEPARTMENTS order) */
  use: number[]
}

export const MCP_SERVERS: McpServer[] = [
  { name: 'github', tools: ['search_code', 'get_pull_request', 'list_commits', 'create_issue', 'merge_pull_request'], resources: ['repo://acme/api/README.md', 'repo://acme/web/package.json'], prompts: ['review_pr'], use: [30, 1, 1, 0, 0, 1, 6] },
  { name: 'jira', tools: ['search_issues', 'add_comment', 'transition_issue', 'create_issue'], resources: ['jira://project/PLAT'], prompts: ['summarize_sprint'], use: [20, 3, 8, 1, 1, 4, 8] },
  { name: 'postgres-analytics', tools: ['run_query', 'list_tables', 'describe_table'], resources: ['postgres://analytics/schema'], prompts: ['explain_query'], use: [10, 4, 2, 10, 1, 8, 2] },
  { name: 'slack', tools: ['search_messages', 'post_message', 'list_channels'], resources: ['slack://channel/general'], prompts: ['draft_update'], use: [8, 8, 8, 5, 6, 10, 6] },
  { name: 'gdrive', tools: ['search_files', 'read_document', 'export_sheet'], resources: ['gdrive://doc/roadmap-2027', 'gdrive://sheet/headcount'], prompts: ['summarize_doc'], use: [5, 10, 4, 10, 10, 14, 3] },
  { name: 'crm', tools: ['search_accounts', 'get_contact', 'update_opportunity', 'log_activity'], resources: ['crm://pipeline/q4'], prompts: ['account_brief'], use: [1, 30, 6, 3, 0, 8, 0] },
  { name: 'customer-support', tools: ['search_tickets', 'get_ticket', 'reply_ticket', 'escalate'], resources: ['support://macros'], prompts: ['draft_reply'], use: [3, 6, 40, 0, 0, 2, 2] },
  { name: 'billing', tools: ['query_invoices', 'get_invoice', 'list_subscriptions', 'refund_payment'], resources: ['billing://plans'], prompts: ['dunning_email'], use: [2, 6, 8, 25, 0, 1, 0] },
  { name: 'finance-reports', tools: ['get_pnl', 'run_forecast', 'list_reports'], resources: ['finance://close/2026-10'], prompts: ['variance_commentary'], use: [0, 2, 0, 25, 1, 1, 0] },
  { name: 'hr-records', tools: ['get_employee', 'search_directory', 'list_reports'], resources: ['hr://policies/handbook'], prompts: ['offer_letter'], use: [0.3, 0.3, 0.3, 1, 40, 0.3, 1] },
  { name: 'deploy', tools: ['get_status', 'list_environments', 'trigger_deploy', 'rollback'], resources: ['deploy://env/production'], prompts: ['release_notes'], use: [10, 0, 0, 0, 0, 0, 12] },
  { name: 'search', tools: ['internal_search', 'web_search'], resources: ['search://index/stats'], prompts: ['research_brief'], use: [6, 8, 6, 4, 4, 12, 5] },
]

export function server(name: string): McpServer {
  const found = MCP_SERVERS.find((s) => s.name === name)
  if (!found) throw new Error(`no MCP server ${name}`)
  return found
}

export type AgentRelease = { version: string; from: number }

/** Agent clients people authorize through Okta (authorization_code). */
export type AgentSpec = {
  name: string
  displayName: string
  share: number
  releases: AgentRelease[]
  protocol: string
  userAgent: string
  /** JSON-RPC ids as numbers (most SDKs) or strings */
  stringIds: boolean
}

const released = (version: string, day: number): AgentRelease => ({ version, from: PERIOD_START + day * DAY })

export const AGENTS: AgentSpec[] = [
  { name: 'claude-code', displayName: 'Claude Code', share: 40, releases: [released('2.0.31', -40), released('2.1.4', 22), released('2.1.9', 61)], protocol: '2025-11-25', userAgent: 'claude-code', stringIds: false },
  { name: 'cursor', displayName: 'Cursor', share: 28, releases: [released('1.7.44', -30), released('2.0.11', 35), released('2.1.3', 74)], protocol: '2025-06-18', userAgent: 'Cursor', stringIds: false },
  { name: 'chatgpt', displayName: 'ChatGPT Connectors', share: 20, releases: [released('1.2026.245', -10), released('1.2026.287', 40)], protocol: '2025-06-18', userAgent: 'openai-mcp', stringIds: true },
  { name: 'acme-copilot', displayName: 'Acme Copilot', share: 12, releases: [released('0.9.3', -60), released('1.0.0', 50)], protocol: '2025-11-25', userAgent: 'acme-copilot', stringIds: true },
]

/** OAuth clients that act for themselves (client_credentials). */
export const OAUTH_SERVICES: { name: string; displayName: string; version: string; servers: string[] }[] = [
  { name: 'reporting-agent', displayName: 'Reporting Agent', version: '3.2.0', servers: ['postgres-analytics', 'finance-reports', 'gdrive'] },
  { name: 'ci-bot', displayName: 'CI Bot', version: '5.14.1', servers: ['github', 'deploy', 'jira'] },
  { name: 'acme-triage-agent', displayName: 'Acme Triage Agent', version: '1.8.2', servers: ['customer-support', 'jira', 'slack'] },
  { name: 'billing-reconciler', displayName: 'Billing Reconciler', version: '0.12.0', servers: ['billing', 'finance-reports'] },
  { name: 'support-autoresponder', displayName: 'Support Autoresponder', version: '2.0.4', servers: ['customer-support', 'search'] },
  { name: 'security-scanner', displayName: 'Security Scanner', version: '4.1.0', servers: ['github', 'deploy'] },
  { name: 'release-bot', displayName: 'Release Bot', version: '1.3.7', servers: ['github', 'deploy', 'slack'] },
  { name: 'oncall-summarizer', displayName: 'On-call Summarizer', version: '0.6.1', servers: ['slack', 'jira', 'deploy'] },
  { name: 'sales-assistant', displayName: 'Sales Assistant', version: '2.2.0', servers: ['crm', 'gdrive', 'slack'] },
  { name: 'finance-close-agent', displayName: 'Finance Close Agent', version: '1.0.3', servers: ['finance-reports', 'billing', 'postgres-analytics'] },
  { name: 'docs-indexer', displayName: 'Docs Indexer', version: '0.9.9', servers: ['gdrive', 'search', 'github'] },
  { name: 'data-sync', displayName: 'Data Sync', version: '6.0.2', servers: ['postgres-analytics', 'crm'] },
]

/** Service accounts that hold gateway keys; `ownerless` ones have no owner in the inventory. */
export const KEY_SERVICES: { name: string; clientName: string; version: string; servers: string[]; ownerless?: boolean; token?: 'service_token' }[] = [
  { name: 'etl-runner', clientName: 'etl-runner', version: '2.4.1', servers: ['postgres-analytics', 'billing'] },
  { name: 'analytics-shared', clientName: 'mcp-python-sdk', version: '1.21.0', servers: ['postgres-analytics'] },
  { name: 'backup-agent', clientName: 'backup-agent', version: '1.0.8', servers: ['gdrive', 'postgres-analytics'] },
  { name: 'zapier-bridge', clientName: 'zapier', version: '2026.10', servers: ['crm', 'slack'], ownerless: true },
  { name: 'legacy-crm-sync', clientName: 'mcp-python-sdk', version: '1.9.4', servers: ['crm'], ownerless: true },
  { name: 'qa-harness', clientName: 'qa-harness', version: '0.4.0', servers: ['github', 'jira'] },
  { name: 'metrics-exporter', clientName: 'metrics-exporter', version: '1.1.2', servers: ['postgres-analytics', 'deploy'], token: 'service_token' },
  { name: 'slack-digest', clientName: 'slack-digest', version: '0.3.5', servers: ['slack', 'jira'] },
  { name: 'ticket-router', clientName: 'ticket-router', version: '2.0.0', servers: ['customer-support'] },
  { name: 'invoice-mailer', clientName: 'invoice-mailer', version: '1.4.0', servers: ['billing'], token: 'service_token' },
  { name: 'sandbox-agent', clientName: 'langchain-mcp-adapters', version: '0.1.12', servers: ['search', 'github'] },
  { name: 'marketing-bot', clientName: 'marketing-bot', version: '0.8.0', servers: ['gdrive', 'slack', 'search'] },
  { name: 'ml-eval-runner', clientName: 'mcp-python-sdk', version: '1.21.0', servers: ['postgres-analytics', 'search'] },
  { name: 'search-indexer', clientName: 'search-indexer', version: '3.0.1', servers: ['search', 'gdrive'], token: 'service_token' },
  { name: 'pager-bridge', clientName: 'pager-bridge', version: '1.2.0', servers: ['deploy', 'slack'], token: 'service_token' },
  { name: 'intern-project', clientName: 'langchain-mcp-adapters', version: '0.1.9', servers: ['hr-records', 'search'], ownerless: true },
  { name: 'k8s-deployer', clientName: 'k8s-deployer', version: '5.2.3', servers: ['deploy', 'github'], token: 'service_token' },
  { name: 'partner-feed', clientName: 'partner-feed', version: '1.0.0', servers: ['crm', 'billing'], ownerless: true },
]
