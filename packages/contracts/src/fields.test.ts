import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  boundedString,
  MAX_ABS_VALUE,
  MAX_LENGTH,
  type optionalNumber,
  optionalText,
  pathId,
  type queryInteger,
  requiredText,
  textProblem,
  valueProblem,
} from './fields.js';
import type { CapacityUpdate } from './entities/capacity.js';
import { CapacityCreate } from './entities/capacity.js';
import { InstallationMetricsQuery } from './entities/metric.js';
import { ProjectRegistration } from './entities/project.js';

const firstMessage = (schema: z.ZodType, input: unknown) => {
  const r = schema.safeParse(input);
  return r.success ? undefined : r.error.issues[0]?.message;
};
const chars = (field: string) => `${field} must not contain NUL characters or unpaired surrogates.`;

describe('textProblem', () => {
  it('counts characters (code points), not UTF-16 units', () => {
    expect(textProblem('f', 'a'.repeat(255), 255)).toBeUndefined();
    expect(textProblem('f', 'a'.repeat(256), 255)).toBe('f must be at most 255 characters.');
    expect(textProblem('f', '\u{1F600}'.repeat(255), 255)).toBeUndefined();
    expect(textProblem('f', '\u{1F600}'.repeat(256), 255)).toBe('f must be at most 255 characters.');
    expect(textProblem('f', 'x'.repeat(30 * 1024 * 1024), 4096)).toBe('f must be at most 4096 characters.');
  });

  it('refuses NUL and unpaired surrogates anywhere, and accepts paired ones', () => {
    for (const bad of ['\u0000', 'a\u0000b', '\ud800', 'a\ud800', '\udc00a', '\udc00\ud800'])
      expect(textProblem('f', bad, 255), JSON.stringify(bad)).toBe(chars('f'));
    for (const good of ['', 'plain', '\u{1F600}', 'é\n\t\u0001', 'a\ud83d\ude00b'])
      expect(textProblem('f', good, 255), JSON.stringify(good)).toBeUndefined();
  });

  it('checks the length first, so an over-long string is never scanned', () => {
    expect(textProblem('f', '\u0000'.repeat(300), 255)).toBe('f must be at most 255 characters.');
  });
});

describe('valueProblem', () => {
  it('allows |value| up to 1e15 inclusive', () => {
    for (const ok of [0, -0, 1e15, -1e15, 1e-300, 123.456]) expect(valueProblem(ok)).toBeUndefined();
    for (const bad of [1e15 + 1, -1e16, 1e308, Number.MAX_VALUE]) expect(valueProblem(bad)).toBe('value must be between -1e15 and 1e15.');
    expect(MAX_ABS_VALUE).toBe(1e15);
  });
});

describe('field builders', () => {
  it('requiredText: empty, type, then bounds, with the field named', () => {
    const s = z.object({ unit_type: requiredText('unit_type') });
    expect(firstMessage(s, {})).toBe('unit_type may not be empty.');
    expect(firstMessage(s, { unit_type: {} })).toBe('unit_type must be a string.');
    expect(firstMessage(s, { unit_type: 'a\u0000b' })).toBe(chars('unit_type'));
    expect(firstMessage(s, { unit_type: 'u'.repeat(MAX_LENGTH.name + 1) })).toBe('unit_type must be at most 255 characters.');
    expect(s.parse({ unit_type: 42 })).toEqual({ unit_type: '42' });
    expect(firstMessage(z.object({ d: requiredText('description', MAX_LENGTH.description) }), { d: 'd'.repeat(4097) })).toBe(
      'description must be at most 4096 characters.',
    );
  });

  it('optionalText: blank is absent, anything else is bounded', () => {
    const s = z.object({ website: optionalText('website', MAX_LENGTH.text) });
    expect(s.parse({ website: '' })).toEqual({ website: undefined });
    expect(s.parse({ website: null })).toEqual({ website: undefined });
    expect(firstMessage(s, { website: '\ud800' })).toBe(chars('website'));
    expect(firstMessage(s, { website: 'w'.repeat(1025) })).toBe('website must be at most 1024 characters.');
    expect(s.parse({ website: 'w'.repeat(1024) }).website).toHaveLength(1024);
  });

  it('pathId and boundedString name the key they sit under', () => {
    const s = z.object({ installation_id: pathId, nested: z.object({ metric_id: pathId }), externalId: boundedString(MAX_LENGTH.id).optional() });
    const ok = { installation_id: 'i', nested: { metric_id: 'm' } };
    expect(s.parse(ok)).toEqual(ok);
    expect(firstMessage(s, { ...ok, installation_id: '\ud800' })).toBe(chars('installation_id'));
    expect(firstMessage(s, { ...ok, nested: { metric_id: 'm'.repeat(256) } })).toBe('metric_id must be at most 255 characters.');
    expect(firstMessage(s, { ...ok, externalId: 'x\u0000' })).toBe(chars('externalId'));
    expect(firstMessage(pathId, '\u0000')).toBe(chars('value'));
  });

  it('bounds the query filters, the capacity value and the registration list', () => {
    const listing = { installation_id: 'i', 'metric-definition-id': '\u0000' };
    expect(firstMessage(InstallationMetricsQuery, listing)).toBe(chars('metric-definition-id'));
    const capacity = { installation_id: 'i', metric_definition_id: 'd' };
    expect(firstMessage(CapacityCreate, { ...capacity, value: 1e308 })).toBe('value must be between -1e15 and 1e15.');
    expect(firstMessage(CapacityCreate, { ...capacity, value: '1e-16' })).toBe('value must have at most 15 digits after the decimal point.');
    expect(CapacityCreate.parse({ ...capacity, value: '1e15' }).value).toBe('1e15');
    expect(CapacityCreate.parse({ ...capacity, value: '0.000000000000001' }).value).toBe('0.000000000000001');
    const ids = (n: number) => Array.from({ length: n }, (_, i) => String(i));
    expect(ProjectRegistration.parse({ projects: ids(100) }).projects).toHaveLength(100);
    expect(firstMessage(ProjectRegistration, { projects: ids(101) })).toBe('projects should have at most 100 entries.');
    expect(firstMessage(ProjectRegistration, { projects: ['ok', 'p'.repeat(256)] })).toBe('projects must be at most 255 characters.');
  });
});

// Compile-time: the builders declare their wire types without casts (typecheck fails on a mismatch).
describe('field builder types', () => {
  it('infer the wire input and the parsed output', () => {
    expectTypeOf<z.input<ReturnType<typeof requiredText>>>().toEqualTypeOf<string | number>();
    expectTypeOf<z.output<ReturnType<typeof requiredText>>>().toEqualTypeOf<string>();
    expectTypeOf<z.input<ReturnType<typeof optionalText>>>().toEqualTypeOf<string | number | null | undefined>();
    expectTypeOf<z.output<ReturnType<typeof optionalText>>>().toEqualTypeOf<string | undefined>();
    expectTypeOf<z.output<ReturnType<typeof optionalNumber>>>().toEqualTypeOf<number | undefined>();
    expectTypeOf<z.output<ReturnType<typeof queryInteger>>>().toEqualTypeOf<number>();
    expectTypeOf<z.input<typeof CapacityCreate>>().toEqualTypeOf<{
      installation_id: string;
      value: string | number;
      metric_definition_id: string | number;
      registered_on?: string | undefined;
    }>();
    expectTypeOf<z.output<typeof CapacityUpdate>['value']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<z.input<typeof ProjectRegistration>>().toEqualTypeOf<{ projects: (string | number)[] }>();
    expectTypeOf<z.output<typeof ProjectRegistration>['projects']>().toEqualTypeOf<string[]>();
  });
});
