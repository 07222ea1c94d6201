import { readFileSync } from 'node:fs';
import { Argument, type Command } from 'commander';
import type { SearchCollection, SearchCriterion } from '@acc/client';
import { createClient } from '../config.js';
import { UsageError } from '../io.js';
import { fields, printList, type Column } from '../output.js';
import { failWith, globalsOf } from '../util.js';
import { installationColumns, projectColumns, providerColumns } from './listings.js';
import { definitionColumns } from './metric-definitions.js';
import { metricColumns } from './metrics.js';

const COLLECTIONS: SearchCollection[] = ['metric-definitions', 'providers', 'projects', 'installations', 'metrics'];

const columnsFor: Record<SearchCollection, Column<Record<string, unknown>>[]> = {
  'metric-definitions': definitionColumns as unknown as Column<Record<string, unknown>>[],
  providers: providerColumns as unknown as Column<Record<string, unknown>>[],
  projects: projectColumns as unknown as Column<Record<string, unknown>>[],
  installations: installationColumns as unknown as Column<Record<string, unknown>>[],
  metrics: metricColumns as unknown as Column<Record<string, unknown>>[],
};

/** `--query` is inline JSON, or `@file` to read it from a file. */
function readQuery(text: string): SearchCriterion {
  let source = text;
  if (text.startsWith('@')) {
    try {
      source = readFileSync(text.slice(1), 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read --query file: ${(e as Error).message}`);
    }
  }
  try {
    return JSON.parse(source) as SearchCriterion;
  } catch (e) {
    throw new UsageError(`--query is not valid JSON: ${(e as Error).message}`);
  }
}

export function registerSearch(program: Command): void {
  program
    .command('search')
    .description('search a collection with the search DSL, e.g. --query \'{"type":"query","field":"metric_type","values":"count"}\'')
    .addArgument(new Argument('<collection>', 'what to search').choices(COLLECTIONS))
    .requiredOption('--query <json>', 'one criterion (query or filter) as JSON, or @file')
    .action(async (collection: SearchCollection, o: { query: string }, cmd: Command) => {
      const criterion = readQuery(o.query);
      const g = globalsOf(cmd);
      const max = collection === 'metrics' ? 1000 : 100;
      if (g.pageSize !== undefined && g.pageSize > max)
        throw new UsageError(`--page-size must be between 1 and ${max} when searching ${collection}.`);
      const acc = createClient(g, { pageSize: false });
      const results = acc.search<Record<string, unknown>>(collection, criterion, { pageSize: g.pageSize });
      await printList(results, g.output, { columns: columnsFor[collection] ?? fields('id'), text: (x) => JSON.stringify(x) }).catch(
        failWith(`Error while searching ${collection}`),
      );
    });
}
