import { useState } from 'react';
import { ALERT_KINDS, ALERT_WINDOWS, AlertRuleCreate, type AlertKind } from '@acc/contracts';
import { ownerBody, ownerFields, type OwnerFields } from '../lib/alert-scope';
import { contractProblem } from '../lib/contract-check';
import type { AlertsSearch } from '../lib/search';

interface Fields extends OwnerFields {
  name: string;
  kind: AlertKind;
  metric_definition_id: string;
  threshold_percent: string;
  threshold_value: string;
  window: string;
  tz: string;
  silence_minutes: string;
}

/** The fields each kind takes (alerts.md §1); the form shows and sends only those. */
const KIND_FIELDS: Record<AlertKind, (keyof Fields)[]> = {
  capacity: ['metric_definition_id', 'threshold_percent'],
  usage: ['metric_definition_id', 'threshold_value', 'window', 'tz'],
  silence: ['silence_minutes'],
};
const NUMERIC = new Set<keyof Fields>(['threshold_percent', 'threshold_value', 'silence_minutes']);

/** The request body: the scope from the ids filled in, the kind's own fields, blanks left out. */
export function alertRuleBody(f: Fields): Record<string, unknown> {
  const { webhook_secret, ...owner } = ownerBody(f);
  const body: Record<string, unknown> = { name: f.name, kind: f.kind, ...owner };
  for (const key of KIND_FIELDS[f.kind]) {
    const v = f[key].trim();
    if (v !== '') body[key] = NUMERIC.has(key) && Number.isFinite(Number(v)) ? Number(v) : v;
  }
  if (webhook_secret) body.webhook_secret = webhook_secret;
  return body;
}

/**
 * Create an alert rule. The body is checked with the contract's own schema (AlertRuleCreate) before it is
 * sent; what only the server can judge (the webhook's scheme and address, access, unknown ids) comes back
 * as the server's message, shown as written.
 */
export function AlertRuleForm({
  scope,
  definitions,
  busy,
  serverError,
  onSubmit,
}: {
  scope: AlertsSearch;
  definitions: { metric_definition_id: string; metric_name: string; unit_type: string }[];
  busy: boolean;
  serverError?: string;
  onSubmit: (body: Record<string, unknown>) => void;
}) {
  const [f, setFields] = useState<Fields>({
    name: '',
    ...ownerFields(scope),
    kind: 'capacity',
    metric_definition_id: '',
    threshold_percent: '80',
    threshold_value: '',
    window: 'month',
    tz: '',
    silence_minutes: '1440',
  });
  const [problem, setProblem] = useState<string>();
  const set = (key: keyof Fields) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setFields({ ...f, [key]: e.target.value });
  const shows = (key: keyof Fields) => KIND_FIELDS[f.kind].includes(key);
  return (
    <form
      className="metric-form"
      aria-label="New alert rule"
      onSubmit={(e) => {
        e.preventDefault();
        const body = alertRuleBody(f);
        const found = contractProblem(AlertRuleCreate, body);
        setProblem(found);
        if (found === undefined) onSubmit(body);
      }}
    >
      <label>
        Name
        <input name="name" value={f.name} onChange={set('name')} />
      </label>
      <label>
        Installation id
        <input name="installation_id" value={f.installation_id} onChange={set('installation_id')} />
      </label>
      <label>
        Project id
        <input name="project_id" value={f.project_id} onChange={set('project_id')} />
      </label>
      <label>
        Provider id
        <input name="provider_id" value={f.provider_id} onChange={set('provider_id')} />
      </label>
      <label>
        Kind
        <select name="kind" value={f.kind} onChange={set('kind')}>
          {ALERT_KINDS.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </label>
      {shows('metric_definition_id') && (
        <label>
          Metric definition
          <select name="metric_definition_id" value={f.metric_definition_id} onChange={set('metric_definition_id')}>
            <option value="">—</option>
            {definitions.map((d) => (
              <option key={d.metric_definition_id} value={d.metric_definition_id}>
                {d.metric_name} ({d.unit_type})
              </option>
            ))}
          </select>
        </label>
      )}
      {shows('threshold_percent') && (
        <label>
          Threshold (% of capacity)
          <input name="threshold_percent" inputMode="numeric" value={f.threshold_percent} onChange={set('threshold_percent')} />
        </label>
      )}
      {shows('threshold_value') && (
        <label>
          Threshold (value)
          <input name="threshold_value" inputMode="decimal" value={f.threshold_value} onChange={set('threshold_value')} />
        </label>
      )}
      {shows('window') && (
        <label>
          Window
          <select name="window" value={f.window} onChange={set('window')}>
            {ALERT_WINDOWS.map((w) => (
              <option key={w} value={w}>
                {w}
              </option>
            ))}
          </select>
        </label>
      )}
      {shows('tz') && (
        <label>
          Time zone
          <input name="tz" value={f.tz} onChange={set('tz')} placeholder="UTC" />
        </label>
      )}
      {shows('silence_minutes') && (
        <label>
          Silent for (minutes)
          <input name="silence_minutes" inputMode="numeric" value={f.silence_minutes} onChange={set('silence_minutes')} />
        </label>
      )}
      <label>
        Webhook URL
        <input name="webhook_url" inputMode="url" value={f.webhook_url} onChange={set('webhook_url')} placeholder="https://hooks.example.org/acc" />
      </label>
      <label>
        Webhook secret (optional)
        <input
          name="webhook_secret"
          value={f.webhook_secret}
          onChange={set('webhook_secret')}
          placeholder="generated when blank"
          autoComplete="off"
        />
      </label>
      <div className="actions">
        <button type="submit" disabled={busy}>
          Create rule
        </button>
      </div>
      {(problem ?? serverError) && (
        <p role="alert" className="state error" data-testid="form-error">
          {problem ?? serverError}
        </p>
      )}
    </form>
  );
}
