/**
 * `playbook/server`: the HTTP service behind `playbook serve` (docs/serve.md), over a durable
 * store from `playbook/store`. A subpath of its own, so `import … from 'playbook'` loads neither
 * node:http nor SQLite (issue 14, item 5).
 */
export { PlaybookServer, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_SKEW_MS, type PlaybookServerOptions, type ClockMode, type ReloadOutcome } from './server.js';
