/**
 * The per-collection allow-lists of §6. A search may only name a field listed here, and the SQL translator only
 * ever writes the `column` expression of a listed field, so nothing from the request reaches the SQL text.
 */

export type FieldType = 'string' | 'number' | 'date';

export interface SearchField {
  /** The DSL name the client sends (the spec's stored field name). */
  name: string;
  type: FieldType;
  /** SQL expression, trusted, e.g. `"m"."project_acronym"`. */
  column: string;
}

export type SearchCollection = 'metricDefinitions' | 'providers' | 'projects' | 'installations' | 'metrics';

/**
 * Table aliases the generated SQL refers to. Repositories must use these aliases in their FROM clause, or build
 * their own lists with `makeSearchFields` if their query needs different ones.
 */
export const searchAliases: Readonly<Record<SearchCollection, string>> = {
  metricDefinitions: 'md',
  providers: 'pv',
  projects: 'pj',
  installations: 'i',
  metrics: 'm',
};

type ColumnSpec = readonly [name: string, type: FieldType, column: string];

/**
 * DSL field -> (type, table column), in the order of the §6 table, because the "unknown field" message lists
 * the allowed fields in that order.
 */
export const searchColumns: Readonly<Record<SearchCollection, readonly ColumnSpec[]>> = {
  metricDefinitions: [
    ['metric_name', 'string', 'metric_name'],
    ['metric_description', 'string', 'metric_description'],
    ['unit_type', 'string', 'unit_type'],
    ['metric_type', 'string', 'metric_type'],
    ['creatorId', 'string', 'creator_id'],
  ],
  providers: [
    ['_id', 'string', 'id'],
    ['name', 'string', 'name'],
    ['website', 'string', 'website'],
    ['abbreviation', 'string', 'abbreviation'],
    ['logo', 'string', 'logo'],
  ],
  // start_date/end_date are stored as yyyy-MM-dd text, so they search as strings (that format sorts correctly
  // by code point).
  projects: [
    ['_id', 'string', 'id'],
    ['acronym', 'string', 'acronym'],
    ['title', 'string', 'title'],
    ['start_date', 'string', 'start_date'],
    ['end_date', 'string', 'end_date'],
    ['call_identifier', 'string', 'call_identifier'],
  ],
  installations: [
    ['_id', 'string', 'id'],
    ['project', 'string', 'project_id'],
    ['organisation', 'string', 'provider_id'],
    ['infrastructure', 'string', 'infrastructure'],
    ['installation', 'string', 'installation'],
    ['resource', 'string', 'resource_id'],
    ['unit_of_access', 'string', 'unit_of_access'],
    ['external_id', 'string', 'external_id'],
  ],
  metrics: [
    ['time_period_start', 'date', 'time_period_start'],
    ['time_period_end', 'date', 'time_period_end'],
    ['value', 'number', 'value'],
    ['metric_definition_id', 'string', 'metric_definition_id'],
    ['project', 'string', 'project_acronym'],
    ['provider', 'string', 'provider_id'],
    ['installation', 'string', 'installation_name'],
    ['infrastructure', 'string', 'infrastructure'],
    ['project_id', 'string', 'project_id'],
    ['installation_id', 'string', 'installation_id'],
    ['resource', 'string', 'resource'],
    ['user_id', 'string', 'user_id'],
    ['group_id', 'string', 'group_id'],
    ['resource_id', 'string', 'resource_id'],
  ],
};

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

export function makeSearchFields(aliases: Readonly<Record<SearchCollection, string>> = searchAliases): Record<SearchCollection, SearchField[]> {
  const build = (c: SearchCollection): SearchField[] =>
    searchColumns[c].map(([name, type, column]) => ({
      name,
      type,
      column: `${quoteIdent(aliases[c])}.${quoteIdent(column)}`,
    }));
  return {
    metricDefinitions: build('metricDefinitions'),
    providers: build('providers'),
    projects: build('projects'),
    installations: build('installations'),
    metrics: build('metrics'),
  };
}

export const searchFields: Record<SearchCollection, SearchField[]> = makeSearchFields();
