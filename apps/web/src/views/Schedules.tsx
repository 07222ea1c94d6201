import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ReportScheduleCreate, SCHEDULE_PERIODS, type ReportScheduleCreated } from '@acc/contracts';
import { inScope, isScoped, ownerBody, ownerFields, scopeText, type OwnerFields } from '../lib/alert-scope';
import { contractProblem } from '../lib/contract-check';
import type { AlertsSearch } from '../lib/search';
import { messageOf, useTRPC } from '../lib/trpc';
import { OwnerRow } from './OwnerRow';
import { SecretOnce } from './SecretOnce';
import { Empty, ErrorMessage, Loading } from './states';

const PAGE = { page: 1, size: 100 };

interface Fields extends OwnerFields {
  name: string;
  every: string;
  tz: string;
}

/** The request body: the scope from the ids filled in, blanks left out. */
export function scheduleBody(f: Fields): Record<string, unknown> {
  const tz = f.tz.trim();
  return { name: f.name, every: f.every, ...(tz && { tz }), ...ownerBody(f) };
}

/** Report schedules of a scope (alerts.md §3): the period each sends next, its delivery log; create, pause, delete. */
export function SchedulesSection({ scope }: { scope: AlertsSearch }) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const schedules = useQuery(trpc.schedules.list.queryOptions(PAGE));
  const [created, setCreated] = useState<ReportScheduleCreated>();
  const [round, setRound] = useState(0);
  const create = useMutation(
    trpc.schedules.create.mutationOptions({
      onSuccess: (schedule) => {
        setCreated(schedule);
        setRound((r) => r + 1);
        void client.invalidateQueries({ queryKey: trpc.schedules.list.queryKey() });
      },
    }),
  );
  const shown = (schedules.data?.content ?? []).filter((s) => inScope(s, scope));
  const scoped = isScoped(scope);
  return (
    <section aria-labelledby="schedules-title">
      <h2 id="schedules-title">Scheduled reports</h2>
      {schedules.isPending ? (
        <Loading what="report schedules" />
      ) : schedules.isError ? (
        <ErrorMessage error={schedules.error} />
      ) : shown.length === 0 ? (
        <Empty>No report schedule {scoped ? 'for this scope' : 'you may read'}.</Empty>
      ) : (
        <table data-testid="report-schedules">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Scope</th>
              <th scope="col">Every</th>
              <th scope="col">Next period</th>
              <th scope="col">Webhook</th>
              <th scope="col">Deliveries</th>
              <th scope="col">Manage</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((s) => (
              <OwnerRow key={s.id} owner="schedules" item={s} columns={7}>
                <td>{scopeText(s.scope)}</td>
                <td>
                  {s.every} ({s.tz})
                </td>
                <td data-testid="next-period" data-start={s.next_period.start} data-end={s.next_period.end}>
                  {s.next_period.start} – {s.next_period.end}
                </td>
              </OwnerRow>
            ))}
          </tbody>
        </table>
      )}

      <h3>New schedule</h3>
      {created && <SecretOnce what="Schedule" name={created.name} secret={created.webhook_secret} testId="schedule-" />}
      <ScheduleForm
        key={round}
        scope={scope}
        busy={create.isPending}
        serverError={create.isError ? messageOf(create.error) : undefined}
        onSubmit={(body) => create.mutate(body as Parameters<typeof create.mutate>[0])}
      />
    </section>
  );
}

/** Checked with the contract's own schema (ReportScheduleCreate) before it is sent; the server's refusals come back as written. */
function ScheduleForm({
  scope,
  busy,
  serverError,
  onSubmit,
}: {
  scope: AlertsSearch;
  busy: boolean;
  serverError?: string;
  onSubmit: (body: Record<string, unknown>) => void;
}) {
  const [f, setFields] = useState<Fields>({
    name: '',
    ...ownerFields(scope),
    every: 'month',
    tz: '',
  });
  const [problem, setProblem] = useState<string>();
  const set = (key: keyof Fields) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setFields({ ...f, [key]: e.target.value });
  const text = (key: keyof Fields, label: string, extra: React.InputHTMLAttributes<HTMLInputElement> = {}) => (
    <label>
      {label}
      <input name={key} value={f[key]} onChange={set(key)} {...extra} />
    </label>
  );
  return (
    <form
      className="metric-form"
      aria-label="New report schedule"
      onSubmit={(e) => {
        e.preventDefault();
        const body = scheduleBody(f);
        const found = contractProblem(ReportScheduleCreate, body);
        setProblem(found);
        if (found === undefined) onSubmit(body);
      }}
    >
      {text('name', 'Name')}
      {text('installation_id', 'Installation id')}
      {text('project_id', 'Project id')}
      {text('provider_id', 'Provider id')}
      <label>
        Every
        <select name="every" value={f.every} onChange={set('every')}>
          {SCHEDULE_PERIODS.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      {text('tz', 'Time zone', { placeholder: 'UTC' })}
      {text('webhook_url', 'Webhook URL', { inputMode: 'url', placeholder: 'https://hooks.example.org/acc' })}
      {text('webhook_secret', 'Webhook secret (optional)', { placeholder: 'generated when blank', autoComplete: 'off' })}
      <div className="actions">
        <button type="submit" disabled={busy}>
          Create schedule
        </button>
      </div>
      {(problem ?? serverError) && (
        <p role="alert" className="state error" data-testid="schedule-form-error">
          {problem ?? serverError}
        </p>
      )}
    </form>
  );
}
