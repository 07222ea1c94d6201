/** Deeper than any document of the API needs (search filters nest a few levels), far below V8's stack. */
export const MAX_JSON_DEPTH = 64;

export const tooDeepMessage = (max = MAX_JSON_DEPTH) => `The request body is nested too deeply (max ${max} levels).`;

/**
 * Whether JSON text opens more than `max` arrays/objects inside one another, by one linear pass that
 * counts brackets outside strings. `JSON.parse` (and every walker after it: zod, the transports) recurses
 * per level, so ~5,000 levels would overflow the stack; this check needs no recursion and no parse, and
 * is only a bound: malformed text is left for `JSON.parse` to report.
 */
export function jsonDepthExceeds(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > max) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return false;
}

export class JsonDepthError extends Error {
  constructor(readonly max = MAX_JSON_DEPTH) {
    super(tooDeepMessage(max));
  }
}

/** `JSON.parse` behind the depth bound: throws JsonDepthError for too deep, SyntaxError for malformed. */
export function parseJson(text: string, max = MAX_JSON_DEPTH): unknown {
  if (jsonDepthExceeds(text, max)) throw new JsonDepthError(max);
  return JSON.parse(text) as unknown;
}
