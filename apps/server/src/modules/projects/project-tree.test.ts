import { describe, expect, it } from 'vitest';
import type { InstallationRow, ProviderRow } from '@acc/db';
import { restrictTree, type ProjectTree } from './project-tree.js';

const provider = (id: string) => ({ id }) as ProviderRow;
const installation = (id: string) => ({ id }) as InstallationRow;
const tree = {
  project: { id: 'P' },
  providers: [
    { provider: provider('a'), installations: [installation('a1'), installation('a2')] },
    { provider: provider('b'), installations: [] },
    { provider: provider('c'), installations: [installation('c1')] },
  ],
} as ProjectTree;
const ids = (t: ProjectTree) => t.providers.map((p) => [p.provider.id, p.installations.map((i) => i.id)]);

describe('restrictTree', () => {
  it('keeps admitted providers whole-or-filtered and providers leading to an admitted installation', () => {
    const view = { provider: (_: string, v: string) => v === 'b', installation: (_: string, __: string, i: string) => i === 'a2' };
    expect(ids(restrictTree(tree, view))).toEqual([
      ['a', ['a2']],
      ['b', []],
    ]);
  });

  it('keeps everything for a view admitting everything, and nothing for one admitting nothing', () => {
    expect(ids(restrictTree(tree, { provider: () => true, installation: () => true }))).toEqual(ids(tree));
    expect(ids(restrictTree(tree, { provider: () => false, installation: () => false }))).toEqual([]);
  });
});
