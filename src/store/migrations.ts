/**
 * Schema migrations of the SQLite store. `PRAGMA user_version` holds the number of migrations
 * applied; opening a database applies the missing ones in one transaction. Never edit a released
 * migration: append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the first schema. WITHOUT ROWID keeps composite-key rows in one B-tree (no second index).
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE communities (id TEXT PRIMARY KEY, state TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE members (
    community TEXT NOT NULL,
    id TEXT NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (community, id)
  ) WITHOUT ROWID;
  CREATE TABLE processed (
    community TEXT NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (community, id)
  ) WITHOUT ROWID;
  CREATE TABLE timers (
    community TEXT NOT NULL,
    id TEXT NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (community, id)
  ) WITHOUT ROWID;
  CREATE TABLE actions (
    seq INTEGER PRIMARY KEY,
    community TEXT NOT NULL,
    action TEXT NOT NULL
  );
  `,
  // 2: the horizon of remembered event ids (docs/runtime.md, "Duplicates and the horizon"): each
  // processed id keeps its event's time, so ids past the horizon can be deleted by range. Ids
  // stored before this had no time: they are dated at their community's clock, so they are kept a
  // full horizon from now, never forgotten early.
  `
  ALTER TABLE processed ADD COLUMN at INTEGER;
  UPDATE processed SET at = (SELECT json_extract(state, '$.clock') FROM communities WHERE communities.id = processed.community);
  UPDATE processed SET at = 0 WHERE at IS NULL;
  CREATE INDEX processed_by_time ON processed (community, at);
  `,
  // 3: the outbox of webhook.call actions (src/store/outbox.ts), written with the action's row.
  `
  CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY,
    community TEXT NOT NULL,
    action TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'pending',
    last_error TEXT
  );
  CREATE INDEX outbox_due ON outbox (status, next_at);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
