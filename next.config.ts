import type { NextConfig } from 'next'

const nextConfig: NextConfig = {
  // chDB is a native addon: it must be loaded by Node, never bundled.
  serverExternalPackages: ['chdb', '@clickhouse/client', '@electric-sql/pglite'],
  poweredByHeader: false,
}

export default nextConfig
