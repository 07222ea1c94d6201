import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('the client at run time', () => {
  it('pulls in the contracts but no server code', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('../src/index.ts', import.meta.url))],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      conditions: ['@acc/source'],
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((f) => f.includes('packages/client/src/client.ts'))).toBe(true);
    // Calls are built from the contracts at run time, so they (and zod) belong in the bundle; the server never does.
    expect(inputs.some((f) => f.includes('packages/contracts/src/registry.ts'))).toBe(true);
    expect(inputs.filter((f) => /apps\/server\/|packages\/db\/|node_modules\/@trpc\//.test(f))).toEqual([]);
  });
});
