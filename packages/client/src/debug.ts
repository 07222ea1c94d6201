/** A debug sink receives complete, already formatted lines (§3.3). */
export type DebugSink = (line: string) => void;

const TRUE_VALUES = new Set(['1', 't', 'true', 'y', 'yes']);

export const debugEnabledByEnv = (value: string | undefined = typeof process === 'undefined' ? undefined : process.env.DEBUG): boolean =>
  value !== undefined && TRUE_VALUES.has(value.trim().toLowerCase());

export type DebugOption = boolean | DebugSink | undefined;

/**
 * Resolves the `debug` option: a function receives every line, `true`/`false` force stderr logging on or
 * off, and `undefined` defers to the DEBUG environment variable, read once per client.
 */
export function createDebugLog(option: DebugOption): ((message: string) => void) | undefined {
  const sink: DebugSink | undefined =
    typeof option === 'function' ? option : (option ?? debugEnabledByEnv()) ? (line) => process.stderr.write(`${line}\n`) : undefined;
  if (!sink) return undefined;
  return (message) => sink(`${new Date().toISOString()} - argo_acc_library - DEBUG - ${message}`);
}

/** Headers as logged: the bearer token never leaves the process through a log line. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = k.toLowerCase() === 'authorization' ? v.replace(/^(\S+)\s.*$/s, '$1 ***') : v;
  return out;
}
