import { useState } from 'react';
import { MetricPatch, MetricPush } from '@acc/contracts';
import { contractProblem } from '../lib/contract-check';

export interface MetricFields {
  metric_definition_id: string;
  time_period_start: string;
  time_period_end: string;
  value: string;
  group_id: string;
  user_id: string;
}

export const emptyMetric: MetricFields = {
  metric_definition_id: '',
  time_period_start: '',
  time_period_end: '',
  value: '',
  group_id: '',
  user_id: '',
};

/** The body a push or an edit sends: blank optional fields are left out, as the API expects. */
export function metricBody(f: MetricFields) {
  return {
    metric_definition_id: f.metric_definition_id,
    time_period_start: f.time_period_start,
    time_period_end: f.time_period_end,
    ...(f.value.trim() !== '' && { value: Number.isFinite(Number(f.value)) ? Number(f.value) : f.value }),
    ...(f.group_id.trim() !== '' && { group_id: f.group_id.trim() }),
    ...(f.user_id.trim() !== '' && { user_id: f.user_id.trim() }),
  };
}

/**
 * Push or edit one metric. The input is checked with the contract's own schema before it is sent; the
 * server validates the fields themselves (§4.7) and its message is shown as it comes.
 */
export function MetricForm({
  installationId,
  metricId,
  initial,
  definitions,
  submitLabel,
  busy,
  serverError,
  onSubmit,
  onCancel,
}: {
  installationId: string;
  metricId?: string;
  initial: MetricFields;
  definitions: { metric_definition_id: string; metric_name: string; unit_type: string }[];
  submitLabel: string;
  busy: boolean;
  serverError?: string;
  onSubmit: (fields: MetricFields) => void;
  onCancel?: () => void;
}) {
  const [fields, setFields] = useState<MetricFields>(initial);
  const [problem, setProblem] = useState<string>();
  const set = (key: keyof MetricFields) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setFields({ ...fields, [key]: e.target.value });
  const prefix = metricId ? `edit-${metricId}` : 'push';
  return (
    <form
      className="metric-form"
      aria-label={metricId ? 'Edit metric' : 'Push a metric'}
      onSubmit={(e) => {
        e.preventDefault();
        const body = metricBody(fields);
        const found = metricId
          ? contractProblem(MetricPatch, { installation_id: installationId, metric_id: metricId, ...body })
          : contractProblem(MetricPush, { installation_id: installationId, ...body });
        setProblem(found);
        if (found === undefined) onSubmit(fields);
      }}
    >
      <label>
        Metric definition
        <select name="metric_definition_id" id={`${prefix}-definition`} value={fields.metric_definition_id} onChange={set('metric_definition_id')}>
          <option value="">—</option>
          {definitions.map((d) => (
            <option key={d.metric_definition_id} value={d.metric_definition_id}>
              {d.metric_name} ({d.unit_type})
            </option>
          ))}
        </select>
      </label>
      <label>
        Period start (ISO 8601)
        <input name="time_period_start" value={fields.time_period_start} onChange={set('time_period_start')} placeholder="2025-01-05T00:00:00Z" />
      </label>
      <label>
        Period end (ISO 8601)
        <input name="time_period_end" value={fields.time_period_end} onChange={set('time_period_end')} placeholder="2025-01-06T00:00:00Z" />
      </label>
      <label>
        Value
        <input name="value" inputMode="decimal" value={fields.value} onChange={set('value')} />
      </label>
      <label>
        Group
        <input name="group_id" value={fields.group_id} onChange={set('group_id')} />
      </label>
      <label>
        User
        <input name="user_id" value={fields.user_id} onChange={set('user_id')} />
      </label>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
      {(problem ?? serverError) && (
        <p role="alert" className="state error" data-testid="form-error">
          {problem ?? serverError}
        </p>
      )}
    </form>
  );
}
