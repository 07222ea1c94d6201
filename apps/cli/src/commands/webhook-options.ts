import { Option, type Command } from 'commander';
import type { ContractInput } from '@acc/client';

/** The scope options of alert rules and report schedules: the ids given make the scope (the server checks the shape). */
export interface ScopeOptions {
  installation?: string;
  project?: string;
  provider?: string;
}

export const withScopeOptions = (cmd: Command) =>
  cmd
    .option('--installation <id>', 'scope: an installation')
    .option('--project <id>', 'scope: a project (with --provider: that provider within the project)')
    .option('--provider <id>', 'scope: a provider across its projects (with --project: within that project)');

type Scope = ContractInput<'alert_rule_add'>['scope'];

/** Whatever ids were given, even a shape the server refuses: its message names the shapes it takes. */
export const scopeOf = (o: ScopeOptions): Scope =>
  ({
    ...(o.installation !== undefined && { installation_id: o.installation }),
    ...(o.project !== undefined && { project_id: o.project }),
    ...(o.provider !== undefined && { provider_id: o.provider }),
  }) as Scope;

/** The scope as one word for lists: `installation:<id>`, `project:<id>/provider:<id>`, … */
export const scopeText = (scope: { installation_id?: string; project_id?: string; provider_id?: string }) =>
  [
    scope.installation_id && `installation:${scope.installation_id}`,
    scope.project_id && `project:${scope.project_id}`,
    scope.provider_id && `provider:${scope.provider_id}`,
  ]
    .filter(Boolean)
    .join('/');

export const webhookOptions = (cmd: Command, required: boolean) => {
  const url = new Option('--webhook-url <url>', 'https URL that receives the signed events');
  if (required) url.makeOptionMandatory();
  return cmd.addOption(url).option('--webhook-secret <whsec>', 'whsec_… signing secret (default on create: generated and printed once)');
};

export const enabledOptions = (cmd: Command) => cmd.option('--enable', 'enable it').option('--disable', 'disable it (nothing is sent)');

export const enabledOf = (o: { enable?: boolean; disable?: boolean }) => (o.enable ? { enabled: true } : o.disable ? { enabled: false } : {});

export interface WebhookOptions {
  webhookUrl?: string;
  webhookSecret?: string;
}

export const webhookOf = (o: WebhookOptions) => ({
  ...(o.webhookUrl !== undefined && { webhook_url: o.webhookUrl }),
  ...(o.webhookSecret !== undefined && { webhook_secret: o.webhookSecret }),
});

/** A new owner's webhook: the URL option is mandatory on `create`, so commander has refused the command without it. */
export const newWebhookOf = (o: WebhookOptions) => ({ webhook_url: o.webhookUrl ?? '', ...webhookOf({ webhookSecret: o.webhookSecret }) });
