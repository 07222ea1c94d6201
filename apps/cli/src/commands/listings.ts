import type { Command } from 'commander';
import type { Installation, Project, Provider } from '@acc/client';
import { createClient } from '../config.js';
import { fields, printList } from '../output.js';
import { failWith, globalsOf } from '../util.js';

export const projectColumns = fields<Project>('id', 'acronym', 'title', 'start_date', 'end_date', 'call_identifier');
export const providerColumns = fields<Provider>('id', 'name', 'abbreviation', 'website');
export const installationColumns = fields<Installation>('id', 'project', 'organisation', 'infrastructure', 'installation', 'resource', 'external_id');

/** `acc projects|providers|installations|unit-types|metric-types list`. */
export function registerListings(program: Command): void {
  program
    .command('projects')
    .description('projects registered in Argo Accounting Service')
    .command('list')
    .description('list the projects you can see (get_projects.py)')
    .action(async (_opts, cmd: Command) => {
      const g = globalsOf(cmd);
      const acc = createClient(g);
      await printList(acc.projects, g.output, { columns: projectColumns, text: (p) => `${p.title} (ID: ${p.id})` }).catch(
        failWith('Error while iterating projects'),
      );
    });

  program
    .command('providers')
    .description('providers registered in Argo Accounting Service')
    .command('list')
    .description('list every provider (get_providers.py)')
    .action(async (_opts, cmd: Command) => {
      const g = globalsOf(cmd);
      const acc = createClient(g);
      await printList(acc.providers, g.output, { columns: providerColumns, text: (p) => `${p.name} (ID: ${p.id})` }).catch(
        failWith('Error while iterating providers'),
      );
    });

  program
    .command('installations')
    .description('installations registered in Argo Accounting Service')
    .command('list')
    .description('list the installations you can see, one JSON object per line (get_installations.py)')
    .action(async (_opts, cmd: Command) => {
      const g = globalsOf(cmd);
      const acc = createClient(g);
      await printList(acc.installations, g.output, { columns: installationColumns, text: (i) => JSON.stringify(i) }).catch(
        failWith('Error while iterating installations'),
      );
    });

  program
    .command('unit-types')
    .description('unit types of metric definitions')
    .command('list')
    .description('list unit types')
    .action(async (_opts, cmd: Command) => {
      const g = globalsOf(cmd);
      const acc = createClient(g);
      await printList(acc.unitTypes, g.output, {
        columns: fields('id', 'unit_type', 'description', 'creator_id'),
        text: (u) => `${u.unit_type} (ID: ${u.id})`,
      }).catch(failWith('Error while iterating unit types'));
    });

  program
    .command('metric-types')
    .description('metric types of metric definitions')
    .command('list')
    .description('list metric types')
    .action(async (_opts, cmd: Command) => {
      const g = globalsOf(cmd);
      const acc = createClient(g);
      await printList(acc.metricTypes, g.output, {
        columns: fields('id', 'metric_type', 'description', 'creator_id'),
        text: (m) => `${m.metric_type} (ID: ${m.id})`,
      }).catch(failWith('Error while iterating metric types'));
    });
}
