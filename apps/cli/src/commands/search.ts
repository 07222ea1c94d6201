import { readFileSync } from 'node:fs';
import { Argument, type Command } from 'commander';
import type { AccountingClient, SearchCollection, SearchCriterion } from '@acc/client';
import { createClient } from '../config.js';
import { UsageError } from '../io.js';
import { printList, type Column, type Format } from '../output.js';
import { failWith, globalsOf } from '../util.js';
import { installationColumns, projectColumns, providerColumns } from './listings.js';
import { definitionColumns } from './metric-definitions.js';
import { metricColumns } from './metrics.js';

const COLLECTIONS: SearchCollection[] = ['metric-definitions', 'providers', 'projects', 'installations', 'metrics'];

interface SearchRequest {
  collection: SearchCollection;
  criterion: SearchCriterion;
  pageSize: number | undefined;
  format: Format;
}

/** Searches with the row type its columns read, so each collection keeps its own typed columns. */
const printedWith =
  <T extends object>(columns: Column<T>[]) =>
  (acc: AccountingClient, r: SearchRequest) =>
    printList(acc.search<T>(r.collection, r.criterion, { pageSize: r.pageSize }), r.format, { columns, text: (x) => JSON.stringify(x) });

const printSearch: Record<SearchCollection, (acc: AccountingClient, r: SearchRequest) => Promise<number>> = {
  'metric-definitions': printedWith(definitionColumns),
  providers: printedWith(providerColumns),
  projects: printedWith(projectColumns),
  installations: printedWith(installationColumns),
  metrics: printedWith(metricColumns),
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
      await printSearch[collection](acc, { collection, criterion, pageSize: g.pageSize, format: g.output }).catch(
        failWith(`Error while searching ${collection}`),
      );
    });
}
