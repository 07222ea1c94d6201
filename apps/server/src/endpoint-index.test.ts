import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as acc from '@acc/contracts';
import { describe, expect, it } from 'vitest';

/**
 * docs/architecture.md promises that a contract's name leads to its handler and access rule. This test
 * reads the routers as a reader would: the `…Procedures` a router imports from @acc/contracts, and each
 * `procedureFor(<group>.<key>, Access.…)` in it. Every registered name must be bound by exactly one such
 * line, so `grep` from the contract's key finds its one handler and the rule beside it.
 */
const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, 'modules');
const routerFiles = readdirSync(modules, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(join(modules, d.name)).map((f) => join(modules, d.name, f)))
  .filter((f) => f.endsWith('-router.ts'));

const groups = acc as unknown as Record<string, Record<string, acc.ProcedureContract | undefined> | undefined>;

interface Binding {
  file: string;
  rule: string;
}

function bindings(): Map<string, Binding[]> {
  const found = new Map<string, Binding[]>();
  for (const file of routerFiles) {
    const text = readFileSync(file, 'utf8');
    const imported = /import\s*\{([^}]*)\}\s*from\s*'@acc\/contracts'/.exec(text)?.[1] ?? '';
    const aliases = new Map<string, string>();
    for (const part of imported.split(',').map((s) => s.trim())) {
      const m = /^(\w+Procedures)(?:\s+as\s+(\w+))?$/.exec(part);
      if (m) aliases.set(m[2] ?? m[1], m[1]);
    }
    for (const m of text.matchAll(/procedureFor\(\s*(\w+)\.(\w+),\s*(Access\.\w+(?:\([^)]*\))?|\w+)/g)) {
      const group = aliases.get(m[1]);
      const contract = group ? groups[group]?.[m[2]] : undefined;
      expect(contract, `${relative(here, file)}: ${m[1]}.${m[2]}`).toBeDefined();
      const list = found.get(contract!.name) ?? [];
      list.push({ file: relative(here, file), rule: m[3] });
      found.set(contract!.name, list);
    }
  }
  return found;
}

describe('finding an endpoint by its contract name', () => {
  it('every registered name is bound by exactly one procedureFor line in one module router, with its access rule', () => {
    const index = bindings();
    for (const name of Object.keys(acc.contracts)) {
      expect(index.get(name), name).toHaveLength(1);
      expect(index.get(name)![0].file, name).toMatch(/^modules\/[\w-]+\/[\w-]+-router\.ts$/);
    }
    expect([...index.keys()].sort()).toEqual(Object.keys(acc.contracts).sort());
  });
});
