import type { NextConfig } from 'next'
import { SECURITY_HEADERS } from './lib/auth/headers'

const nextConfig: NextConfig = {
  // chDB is a native addon: it must be loaded by Node, never bundled. rate-limiter-flexible
  // imports drizzle-orm by a computed name, which only Node's own loader resolves. pdfkit reads
  // its standard-font metrics from its own directory at run time, and nodemailer opens sockets.
  serverExternalPackages: ['chdb', '@clickhouse/client', '@electric-sql/pglite', 'rate-limiter-flexible', 'pdfkit', 'nodemailer'],
  poweredByHeader: false,
  // forbidden() and unauthorized(): 403/401 from pages, route handlers and server actions.
  experimental: { authInterrupts: true },
  async headers() {
    return [{ source: '/:path*', headers: SECURITY_HEADERS }]
  },
}

export default nextConfig
