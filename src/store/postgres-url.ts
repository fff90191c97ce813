/** `postgres://` and `postgresql://` URLs name a PostgreSQL database; anything else is a SQLite path. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}
