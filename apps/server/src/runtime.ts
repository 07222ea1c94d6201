import { getHeapStatistics } from 'node:v8';

const MiB = 1024 * 1024;

/**
 * The V8 heap size production runs the server with (the Dockerfile's NODE_OPTIONS; the bench passes the
 * same). Below 1 GiB V8 grows the heap by a factor of about 1.4 between full collections instead of 4, so
 * the garbage of large requests is collected long before it can reach hundreds of MiB (bench: peak RSS
 * 128–182 MiB in every phase instead of up to 300, at the same throughput). The cap is safe because
 * request bodies in memory are bounded by ACC_MAX_BODY_BYTES_IN_FLIGHT; see heapShortfall.
 */
export const PRODUCTION_NODE_OPTIONS = '--max-old-space-size=384';

/** Heap the server uses besides request bodies: its code, caches, and reports or usage answers in progress. */
const BASE_HEAP_BYTES = 128 * MiB;
/** Parsed request bodies take about this many times their size on the heap (a 64 MiB APEL message: 2.6×). */
const BODY_HEAP_FACTOR = 3;

/**
 * A warning when the process's heap limit is below what the bodies the budget admits could need once
 * parsed; undefined when it fits. A heap that small ends in "JavaScript heap out of memory" under load.
 */
export function heapShortfall(maxBodyBytesInFlight: number, heapLimitBytes = getHeapStatistics().heap_size_limit): string | undefined {
  const needed = BASE_HEAP_BYTES + BODY_HEAP_FACTOR * maxBodyBytesInFlight;
  if (heapLimitBytes >= needed) return undefined;
  return (
    `The V8 heap limit (${Math.round(heapLimitBytes / MiB)} MiB) is below what ACC_MAX_BODY_BYTES_IN_FLIGHT ` +
    `(${Math.round(maxBodyBytesInFlight / MiB)} MiB of bodies) can need once parsed (${Math.round(needed / MiB)} MiB): ` +
    'raise --max-old-space-size (NODE_OPTIONS) or lower ACC_MAX_BODY_BYTES_IN_FLIGHT.'
  );
}
