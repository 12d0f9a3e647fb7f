// @ts-check
// The embedded engine's allocator (jemalloc inside libchdb.so) keeps the pages a query freed for 5 s before returning
// them (its built-in dirty_decay_ms:5000), so a report's or an alert evaluation's working memory stays resident after it
// ended, and the dashboard's server holds it beside the next request's: after its first alert evaluation the server
// sat at ~1.06 GB, where it settles at ~0.67 GB. One second returns it sooner at no cost measured in report time.
// jemalloc reads this once, while chDB loads, so it must be set before anything imports `chdb`: the CLI's launcher
// imports this module before the CLI, lib/clickhouse/client.ts before `chdb`. A value the operator set is kept.
process.env.JE_MALLOC_CONF ??= 'dirty_decay_ms:1000'
