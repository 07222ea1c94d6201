import { badRequest } from '../errors.js';
import {
  MAX_SEARCH_CRITERIA,
  MAX_SEARCH_DEPTH,
  coerceValue,
  echo,
  normaliseOperand,
  normaliseOperator,
  resolveField,
  searchMessages,
  type Criterion,
  type Operand,
} from './dsl.js';
import type { FieldType, SearchField } from './fields.js';

const COMPARATORS: Record<Exclude<Operand, 'eq' | 'neq'>, string> = { lt: '<', lte: '<=', gt: '>', gte: '>=' };

const CASTS: Record<FieldType, string> = { string: 'text', number: 'double precision', date: 'timestamptz' };

/**
 * One comparison. Every piece of SQL text here is either a constant or a trusted allow-list column; the value
 * only ever travels as a bind parameter.
 */
function comparison(type: FieldType, column: string, operand: Operand, param: string): string {
  const p = `${param}::${CASTS[type]}`;
  if (type === 'string') {
    // The ::text cast lets a non-text id column (e.g. uuid) compare too. COLLATE "C" makes ordering byte-wise,
    // i.e. by code point in UTF-8, whatever the column's or database's collation, and keeps equality exact
    // even if a column ever gets a non-deterministic collation.
    const col = `(${column})::text`;
    switch (operand) {
      case 'eq':
        return `lower(${col}) COLLATE "C" = lower(${p})`;
      case 'neq':
        // IS DISTINCT FROM: a row without a value is still "not equal" to the searched one.
        return `${col} COLLATE "C" IS DISTINCT FROM ${p}`;
      default:
        return `${col} COLLATE "C" ${COMPARATORS[operand]} ${p}`;
    }
  }
  const col = `(${column})`;
  switch (operand) {
    case 'eq':
      return `${col} = ${p}`;
    case 'neq':
      return `${col} IS DISTINCT FROM ${p}`;
    default:
      return `${col} ${COMPARATORS[operand]} ${p}`;
  }
}

/**
 * Translates a criterion into a parenthesised boolean SQL expression with `$n` placeholders numbered from
 * `firstParam`, so it can be ANDed into a repository's WHERE clause next to its own parameters.
 *
 * The criterion is re-validated against `fields` rather than trusted: callers may build one by hand or receive
 * it from a transport that did not go through `parseCriterion`, and the allow-list is what keeps the SQL safe.
 */
export function criterionToSql(c: Criterion, fields: readonly SearchField[], firstParam = 1): { sql: string; params: unknown[] } {
  if (!Number.isInteger(firstParam) || firstParam < 1) throw new RangeError(`firstParam must be an integer >= 1`);
  const params: unknown[] = [];
  let count = 0;

  const emit = (node: Criterion, depth: number): string => {
    if (depth > MAX_SEARCH_DEPTH) throw badRequest(searchMessages.tooDeep);
    if (++count > MAX_SEARCH_CRITERIA) throw badRequest(searchMessages.tooMany);
    if (node?.type === 'query') {
      const field = resolveField(node.field, fields);
      const operand = normaliseOperand(node.operand);
      params.push(coerceValue(field, node.value));
      return `(${comparison(field.type, field.column, operand, `$${firstParam + params.length - 1}`)})`;
    }
    if (node?.type === 'filter') {
      const operator = normaliseOperator(node.operator);
      if (!Array.isArray(node.criteria) || node.criteria.length === 0) throw badRequest(searchMessages.filterNeedsCriteria);
      return `(${node.criteria.map((child) => emit(child, depth + 1)).join(` ${operator} `)})`;
    }
    throw badRequest(searchMessages.unknownType(echo((node as { type?: unknown } | undefined)?.type)));
  };

  const sql = emit(c, 1);
  return { sql, params };
}
