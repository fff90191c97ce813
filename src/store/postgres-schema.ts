/**
 * Schema migrations of the PostgreSQL store (docs/scaling.md). `playbook_schema.version` holds the
 * number of migrations applied; a process applies the missing ones in one transaction under an
 * advisory lock, so processes starting together migrate once. Never edit a released migration:
 * append a new one. The state tables hold the same JSON text as the SQLite store's
 * (src/store/migrations.ts); the inbox and the log head exist for the cluster.
 */
export const PG_MIGRATIONS: readonly string[] = [
  // 1: the state of the SQLite store at its version 2, the inbox and the head of the action log.
  `
  CREATE TABLE playbook_meta (key text PRIMARY KEY, value text NOT NULL);
  CREATE TABLE communities (id text PRIMARY KEY, state text NOT NULL);
  CREATE TABLE members (community text NOT NULL, id text NOT NULL, state text NOT NULL, PRIMARY KEY (community, id));
  CREATE TABLE processed (community text NOT NULL, id text NOT NULL, at bigint NOT NULL, PRIMARY KEY (community, id));
  CREATE INDEX processed_by_time ON processed (community, at);
  CREATE TABLE timers (community text NOT NULL, id text NOT NULL, state text NOT NULL, PRIMARY KEY (community, id));
  -- inbox: the event (or advance) whose processing logged the action, for the reply to POST /events.
  CREATE TABLE actions (seq bigint PRIMARY KEY, community text NOT NULL, action text NOT NULL, inbox bigint);
  CREATE INDEX actions_by_community ON actions (community, seq);
  CREATE INDEX actions_by_inbox ON actions (inbox) WHERE inbox IS NOT NULL;
  -- One row: the last sequence number. Taking its row lock last in a transaction orders commits
  -- that log actions, so a reader polling by sequence number never sees seq N+1 before N.
  CREATE TABLE log_head (one boolean PRIMARY KEY DEFAULT true CHECK (one), seq bigint NOT NULL);
  INSERT INTO log_head (one, seq) VALUES (true, 0);
  -- Accepted work: kind 'event' (body: the event's JSON) or 'advance' (body: ms since the epoch).
  -- status stays NULL until the owner processed the row, then it says how (processed, duplicate...).
  CREATE TABLE inbox (
    id bigserial PRIMARY KEY,
    community text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('event', 'advance')),
    body text NOT NULL,
    status text,
    late boolean,
    done_at timestamptz
  );
  CREATE INDEX inbox_pending ON inbox (community, id) WHERE status IS NULL;
  CREATE INDEX inbox_done ON inbox (done_at) WHERE status IS NOT NULL;
  `,
  // 2: reloads in cluster mode (docs/scaling.md, "Reloading the playbook"): every version of the
  // playbook the cluster ran, and the version each community's rows were written by.
  `
  CREATE TABLE playbook_versions (version integer PRIMARY KEY, source text NOT NULL, file text NOT NULL, created timestamptz NOT NULL DEFAULT now());
  ALTER TABLE communities ADD COLUMN version integer NOT NULL DEFAULT 1;
  `,
  // 3: the outbox of webhook.call actions (src/store/outbox.ts), written with the action's row.
  `
  CREATE TABLE outbox (
    seq bigint PRIMARY KEY,
    community text NOT NULL,
    action text NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    next_at bigint NOT NULL DEFAULT 0,
    status text NOT NULL DEFAULT 'pending',
    last_error text
  );
  CREATE INDEX outbox_due ON outbox (community, next_at) WHERE status = 'pending';
  CREATE INDEX outbox_by_status ON outbox (status, seq);
  `,
  // 4: what the groups of a network share (src/runtime/network.ts; docs/scaling.md, "Networks of
  // groups"): one row per scope, the cluster's being 'cluster'. Every transaction of a playbook
  // that counts across groups locks it FOR UPDATE first. version: the playbook version its
  // counters are numbered by; epoch: bumped when a transaction wrote the rows of communities
  // it does not own (a network goal's actions in every group), so their owners reload them.
  `
  CREATE TABLE playbook_network (scope text PRIMARY KEY, state text NOT NULL, version integer NOT NULL, epoch bigint NOT NULL DEFAULT 0);
  `,
];

export const PG_SCHEMA_VERSION = PG_MIGRATIONS.length;

/** The first key of every advisory lock playbook takes ('PBK0'); the second is a slot, or MIGRATION_LOCK. */
export const LOCK_CLASS = 0x50424b30;
export const MIGRATION_LOCK = -1;
/** Taken by a reload while it stores a new version, so two reloads get two numbers in order. */
export const RELOAD_LOCK = -2;
