import { MAX_LENGTH, textProblem } from '@acc/contracts';
import { badRequest } from '../errors.js';
import type { SearchField } from './fields.js';

export const OPERANDS = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte'] as const;
export const OPERATORS = ['AND', 'OR'] as const;
export type Operand = (typeof OPERANDS)[number];
export type Operator = (typeof OPERATORS)[number];

export type Criterion =
  { type: 'query'; field: string; operand: Operand; value: string | number } | { type: 'filter'; operator: Operator; criteria: Criterion[] };

/**
 * Bounds that keep a hostile body from exhausting the stack or PostgreSQL's 65535 bind parameters; real
 * searches are a handful of criteria. The spec has no message for them, so these texts are ours.
 */
export const MAX_SEARCH_DEPTH = 32;
export const MAX_SEARCH_CRITERIA = 1000;

/** The §6 messages, character for character. */
export const searchMessages = {
  bodyEmpty: 'The request body is empty.',
  malformed: 'Invalid search query: malformed JSON.',
  unknownType: (t: string) => `Invalid search query: unknown type '${t}'. Allowed types: query, filter.`,
  unknownOperand: (o: string) => `Invalid search query: unknown operand '${o}'. Allowed operands: eq, neq, lt, lte, gt, gte.`,
  unknownOperator: (o: string) => `Invalid search query: unknown operator '${o}'. Allowed operators: AND, OR.`,
  queryNeedsFieldAndValues: "Invalid search query: a query needs 'field' and 'values'.",
  filterNeedsCriteria: 'Invalid search query: a filter needs at least one criterion.',
  unknownField: (f: string, allowed: readonly SearchField[]) =>
    `Invalid search query: unknown field '${f}'. Allowed fields: ${allowed.map((a) => a.name).join(', ')}.`,
  invalidValue: (f: string) => `Invalid search query: invalid value for field '${f}'.`,
  tooDeep: `Invalid search query: criteria may be nested at most ${MAX_SEARCH_DEPTH} levels deep.`,
  tooMany: `Invalid search query: at most ${MAX_SEARCH_CRITERIA} criteria are allowed.`,
} as const;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Own properties only, so a body can never pick up something from Object.prototype. */
const prop = (o: Json, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);

const absent = (v: unknown) => v === undefined || v === null;

/**
 * How a client-supplied token is echoed in a message: strings verbatim, an absent property as nothing, anything
 * else as its JSON text, so `"type": 5` reads `'5'` rather than a JavaScript rendering.
 */
export function echo(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return '';
  try {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- functions and symbols have no JSON; echo whatever String makes of them
    return JSON.stringify(v) ?? String(v);
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- BigInt and cycles have no JSON either
    return String(v);
  }
}

export function normaliseOperand(raw: unknown): Operand {
  if (absent(raw)) return 'eq';
  const o = typeof raw === 'string' ? (raw.toLowerCase() as Operand) : undefined;
  if (o === undefined || !OPERANDS.includes(o)) throw badRequest(searchMessages.unknownOperand(echo(raw)));
  return o;
}

export function normaliseOperator(raw: unknown): Operator {
  const o = typeof raw === 'string' ? (raw.toUpperCase() as Operator) : undefined;
  if (o === undefined || !OPERATORS.includes(o)) throw badRequest(searchMessages.unknownOperator(echo(raw)));
  return o;
}

function kindOf(raw: unknown): 'query' | 'filter' | undefined {
  if (typeof raw !== 'string') return undefined;
  const t = raw.toLowerCase();
  return t === 'query' || t === 'filter' ? t : undefined;
}

export function resolveField(name: unknown, fields: readonly SearchField[]): SearchField {
  const f = typeof name === 'string' ? fields.find((x) => x.name === name) : undefined;
  if (!f) throw badRequest(searchMessages.unknownField(echo(name), fields));
  return f;
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

/** `yyyy-MM-dd'T'HH:mm:ss'Z'` naming a real instant: no Feb 30, no hour 24, no leap second, no year 0. */
export function isSearchInstant(s: string): boolean {
  const m = INSTANT.exec(s);
  if (!m) return false;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number);
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
  return d <= days;
}

/**
 * The value as the translator binds it. String fields take numbers too (§1.1: "a string field accepts a
 * number"); §6 singles out a string for a number field as invalid, so numeric strings are not coerced there.
 */
export function coerceValue(field: SearchField, raw: unknown): string | number {
  const invalid = () => badRequest(searchMessages.invalidValue(field.name));
  switch (field.type) {
    case 'string': {
      const text = typeof raw === 'string' ? raw : typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : undefined;
      if (text === undefined) throw invalid();
      // A value no stored field can hold is refused before it reaches SQL (NUL is an error there).
      const problem = textProblem(field.name, text, MAX_LENGTH.description);
      if (problem) throw badRequest(problem);
      return text;
    }
    case 'number':
      if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
      throw invalid();
    case 'date':
      if (typeof raw === 'string' && isSearchInstant(raw)) return raw;
      throw invalid();
  }
}

/** Turns the raw body into a JSON value, or throws the empty/malformed message. */
function decodeBody(body: unknown): unknown {
  if (body instanceof Uint8Array) body = new TextDecoder().decode(body);
  if (typeof body === 'string') {
    if (body.trim() === '') throw badRequest(searchMessages.bodyEmpty);
    try {
      body = JSON.parse(body);
    } catch {
      throw badRequest(searchMessages.malformed);
    }
  }
  // §1.2: the JSON literal null counts as an empty body.
  if (absent(body)) throw badRequest(searchMessages.bodyEmpty);
  return body;
}

interface Node {
  raw: Json;
  kind: 'query' | 'filter' | undefined;
  /** Present only for filters whose `criteria` is a non-empty array. */
  children: Node[];
}

/**
 * Validates and normalises a search body (§6).
 *
 * Each error class takes precedence over the next across the whole tree (all shapes, then all types, then all
 * operands, …), so the reported message does not depend on where in the tree the first offender sits.
 */
export function parseCriterion(body: unknown, fields: readonly SearchField[]): Criterion {
  const value = decodeBody(body);

  const nodes: Node[] = [];
  const shape = (v: unknown, depth: number): Node => {
    if (!isObject(v)) throw badRequest(searchMessages.malformed);
    if (depth > MAX_SEARCH_DEPTH) throw badRequest(searchMessages.tooDeep);
    if (nodes.length >= MAX_SEARCH_CRITERIA) throw badRequest(searchMessages.tooMany);
    const node: Node = { raw: v, kind: kindOf(prop(v, 'type')), children: [] };
    nodes.push(node);
    if (node.kind === 'filter') {
      const criteria = prop(v, 'criteria');
      if (!absent(criteria)) {
        if (!Array.isArray(criteria)) throw badRequest(searchMessages.malformed);
        for (const c of criteria) node.children.push(shape(c, depth + 1));
      }
    }
    return node;
  };
  const root = shape(value, 1);

  const queries = () => nodes.filter((n) => n.kind === 'query');
  const filters = () => nodes.filter((n) => n.kind === 'filter');

  for (const n of nodes) if (!n.kind) throw badRequest(searchMessages.unknownType(echo(prop(n.raw, 'type'))));
  for (const n of queries()) normaliseOperand(prop(n.raw, 'operand'));
  for (const n of filters()) normaliseOperator(prop(n.raw, 'operator'));
  for (const n of queries())
    if (absent(prop(n.raw, 'field')) || absent(prop(n.raw, 'values'))) throw badRequest(searchMessages.queryNeedsFieldAndValues);
  for (const n of filters()) if (n.children.length === 0) throw badRequest(searchMessages.filterNeedsCriteria);
  for (const n of queries()) resolveField(prop(n.raw, 'field'), fields);
  for (const n of queries()) coerceValue(resolveField(prop(n.raw, 'field'), fields), prop(n.raw, 'values'));

  const build = (n: Node): Criterion => {
    if (n.kind === 'query') {
      const field = resolveField(prop(n.raw, 'field'), fields);
      return {
        type: 'query',
        field: field.name,
        operand: normaliseOperand(prop(n.raw, 'operand')),
        value: coerceValue(field, prop(n.raw, 'values')),
      };
    }
    // "A filter with one criterion equals that criterion."
    if (n.children.length === 1) return build(n.children[0]);
    return { type: 'filter', operator: normaliseOperator(prop(n.raw, 'operator')), criteria: n.children.map(build) };
  };
  return build(root);
}
