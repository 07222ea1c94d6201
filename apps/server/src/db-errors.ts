/** True when a query failed on a unique constraint (PostgreSQL and PGlite report the same SQLSTATE). */
export const isUniqueViolation = (err: unknown): boolean => {
  const e = err as { code?: string; driverError?: { code?: string } } | undefined;
  return e?.code === '23505' || e?.driverError?.code === '23505';
};

/** True when a delete or update failed on a foreign key (a row still references the target). */
export const isForeignKeyViolation = (err: unknown): boolean => {
  const e = err as { code?: string; driverError?: { code?: string } } | undefined;
  return e?.code === '23503' || e?.driverError?.code === '23503';
};
