/** True when a query failed on a unique constraint (PostgreSQL and PGlite report the same SQLSTATE). */
export const isUniqueViolation = (err: unknown): boolean => {
  const e = err as { code?: string; driverError?: { code?: string } } | undefined;
  return e?.code === '23505' || e?.driverError?.code === '23505';
};
