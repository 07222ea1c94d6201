import autocannon from 'autocannon';

export interface LoadResult {
  /** Successful (2xx) responses per second over the whole run. */
  rps: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
  seconds: number;
}

/** HTTP load with autocannon (programmatic, in this process): fixed duration, fixed concurrency. */
export async function load(
  url: string,
  opts: { connections: number; seconds: number; method: 'POST' | 'GET'; headers: Record<string, string>; body?: string },
): Promise<LoadResult> {
  const r = await autocannon({
    url,
    connections: opts.connections,
    duration: opts.seconds,
    method: opts.method,
    headers: opts.headers,
    body: opts.body,
    pipelining: 1,
    timeout: 30,
  });
  // No answer at all within the run: latencies are unknown, not 0.
  const answered = r['2xx'] + r.non2xx > 0;
  return {
    rps: r['2xx'] / r.duration,
    p50: answered ? r.latency.p50 : NaN,
    p99: answered ? r.latency.p99 : NaN,
    total: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    seconds: r.duration,
  };
}
