import { z } from 'zod';
import { messages } from '../messages.js';
import { defineProcedures } from './define.js';

export const searchBodyMessages = {
  malformed: 'Invalid search query: malformed JSON.',
} as const;

/**
 * The body of every `POST …/search`: one criterion of the §6 DSL, taken loosely because the server's
 * parser owns its validation and its messages. It declares no properties on purpose: the procedure
 * builder then leaves the body to the search handler, which must answer the §6 texts (not the generic
 * "not valid JSON") for malformed bodies. Over tRPC `page` and `size` may travel beside the criterion;
 * over REST they are query parameters.
 */
export const SearchCriterionInput = z
  .looseObject({}, { error: (issue) => (issue.input === undefined || issue.input === null ? messages.bodyEmpty : searchBodyMessages.malformed) })
  .meta({
    id: 'SearchCriterion',
    description:
      'One criterion: `{"type":"query","field":…,"values":…,"operand"?:"eq|neq|lt|lte|gt|gte"}` or ' +
      '`{"type":"filter","operator":"AND|OR","criteria":[…]}`. Paging comes from the `page` and `size` query parameters.',
  });
export type SearchCriterionInput = z.infer<typeof SearchCriterionInput>;

export const LabelledValue = z.object({ label: z.string(), display_value: z.string() }).meta({ id: 'LabelledValue' });
export type LabelledValue = z.infer<typeof LabelledValue>;

/** §4.13, verbatim: clients build their search forms from these lists. */
export const OPERAND_LIST: LabelledValue[] = [
  { label: 'eq', display_value: '==' },
  { label: 'lt', display_value: '<' },
  { label: 'lte', display_value: '<=' },
  { label: 'gt', display_value: '>' },
  { label: 'gte', display_value: '>=' },
  { label: 'neq', display_value: '!=' },
];
export const OPERATOR_LIST: LabelledValue[] = [
  { label: 'and', display_value: 'AND' },
  { label: 'or', display_value: 'OR' },
];

export const searchMetaProcedures = defineProcedures('Search')({
  operands: {
    name: 'operand_list',
    method: 'GET',
    path: '/operands',
    input: z.object({}),
    output: z.array(LabelledValue),
    summary: 'Search operands',
    errors: [],
  },
  operators: {
    name: 'operator_list',
    method: 'GET',
    path: '/operators',
    input: z.object({}),
    output: z.array(LabelledValue),
    summary: 'Search operators',
    errors: [],
  },
});
