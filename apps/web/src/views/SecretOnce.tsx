/**
 * The webhook secret of an owner just created (alerts.md §1: shown in the 201 answer only). `testId`
 * prefixes the test ids, so a page with two create forms keeps them apart.
 */
export function SecretOnce({ what, name, secret, testId = '' }: { what: string; name: string; secret: string; testId?: string }) {
  return (
    <div role="status" className="state ok secret" data-testid={`${testId}created-secret`}>
      {what} <strong>{name}</strong> created. Its webhook secret, shown this once only — keep it now:{' '}
      <code data-testid={`${testId}webhook-secret`}>{secret}</code>
    </div>
  );
}
