import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { heapShortfall, PRODUCTION_NODE_OPTIONS } from './runtime.js';

const MiB = 1024 * 1024;
const repoFile = (path: string) => readFileSync(fileURLToPath(new URL(`../../../${path}`, import.meta.url)), 'utf8');

/** The heap limit V8 reports in a fresh node process started with `flags`. */
const heapLimitWith = (flags: string[]) =>
  Number(execFileSync(process.execPath, [...flags, '-p', 'require("node:v8").getHeapStatistics().heap_size_limit'], { encoding: 'utf8' }));

describe('the V8 heap production runs with', () => {
  it('is what the Dockerfile sets', () => {
    expect(repoFile('Dockerfile')).toMatch(new RegExp(`^\\s*NODE_OPTIONS=${PRODUCTION_NODE_OPTIONS} \\\\$`, 'm'));
  });

  it('holds the bodies the default ACC_MAX_BODY_BYTES_IN_FLIGHT admits, parsed', () => {
    const budget = loadConfig({}, { dev: true }).limits.maxBodyBytesInFlight;
    expect(budget).toBe(64 * MiB);
    expect(heapShortfall(budget, heapLimitWith([PRODUCTION_NODE_OPTIONS]))).toBeUndefined();
  });

  it('warns when the heap is too small for the budget, naming both settings', () => {
    const small = heapLimitWith(['--max-old-space-size=200']);
    expect(heapShortfall(64 * MiB, small)).toMatch(
      /^The V8 heap limit \(\d+ MiB\) is below what ACC_MAX_BODY_BYTES_IN_FLIGHT \(64 MiB of bodies\) can need once parsed \(320 MiB\): raise --max-old-space-size \(NODE_OPTIONS\) or lower ACC_MAX_BODY_BYTES_IN_FLIGHT\.$/,
    );
    // A smaller budget fits the same heap.
    expect(heapShortfall(16 * MiB, small)).toBeUndefined();
  });
});
