/** Anything with zod's `safeParse`: the contracts' schemas, without the dashboard importing zod itself. */
interface Checkable {
  safeParse(input: unknown): { success: true } | { success: false; error: { issues: { message: string }[] } };
}

/**
 * What a form's body breaks first, in the contract's own words (the server would answer the same), or
 * undefined when the contract accepts it: forms check before they send.
 */
export function contractProblem(schema: Checkable, input: unknown): string | undefined {
  const parsed = schema.safeParse(input);
  return parsed.success ? undefined : (parsed.error.issues[0]?.message ?? '');
}
