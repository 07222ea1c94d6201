import { acceptsNoInput, hasJsonBody, isQuery, messages, REST_BASE, takesBody, type ProcedureContract } from '@acc/contracts';
import type { z } from 'zod';
import { assertPreRule, type CallerUnder, type PreRule } from '../access/index.js';
import { AppError, badRequest } from '../errors.js';
import { consumesAsJson } from '../http/body.js';
import { t } from './init.js';

/** The REST path and query a tRPC call stands for, so page links and Location headers match REST's. */
const restFormOf = (c: ProcedureContract, input: Record<string, unknown>) => {
  const used = new Set<string>();
  const path = c.path.replace(/\{(\w+)\}/g, (_, k: string) => {
    used.add(k);
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- path parameters are scalars the contract has validated
    return encodeURIComponent(String(input[k] ?? ''));
  });
  const query: [string, string][] = isQuery(c)
    ? Object.entries(input)
        .filter(([k, v]) => !used.has(k) && v !== undefined && v !== null && typeof v !== 'object')
        .map(([k, v]) => [k, String(v)])
    : [];
  return { path, query };
};

const idOf = (out: unknown): string | undefined => {
  if (out && typeof out === 'object') {
    const o = out as Record<string, unknown>;
    // A pushed metric names its definition too; its own id must win for the Location.
    const id = o.id ?? o.metric_id ?? o.metric_definition_id;
    return typeof id === 'string' ? id : undefined;
  }
  return undefined;
};

/**
 * Builds a procedure from its contract, with the checks in the spec's order (§1.3): token, Content-Type,
 * SYS/RES access, then the body and input validation. Hierarchical access and existence are the
 * service's to check, since they need the entities.
 */
export function procedureFor<I extends z.ZodType, O extends z.ZodType, R extends PreRule>(contract: ProcedureContract<I, O>, rule: R) {
  const withBody = takesBody(contract);
  const defaultsWhenAbsent = acceptsNoInput(contract.input);
  // A tRPC mutation always carries its input as a JSON body, even where the REST form has none.
  const needsJson = { rest: withBody || contract.jsonContentType === true, trpc: !isQuery(contract) };
  return t.procedure
    .meta({ contract, rule })
    .use(async ({ ctx, getRawInput, next }) => {
      const admission = ctx.http.admission;
      if (admission?.refusal) throw admission.refusal;
      // The listener authenticated before reading the body; verifying the token again would double its cost.
      const caller =
        rule.kind === 'public' ? undefined : await (admission?.caller ?? ctx.app.authenticator.authenticate(ctx.http.headers.authorization));
      if (ctx.http.body.state === 'undeclared') {
        let hasBody = true;
        try {
          hasBody = (await getRawInput()) !== undefined;
        } catch {
          // Something was sent but is not JSON: the input parser reports it (400), after the access checks.
        }
        ctx.http.body.state = consumesAsJson(undefined, hasBody) ? 'ok' : 'unsupported';
      }
      if (needsJson[ctx.http.transport] && ctx.http.body.state === 'unsupported') throw new AppError(415, messages.contentType);
      assertPreRule(caller, rule, ctx.http, ctx.app);
      // tRPC input the listener refused to parse (nested too deeply) is reported where REST reports its body.
      if (ctx.http.transport === 'trpc' && ctx.http.body.state === 'malformed')
        throw badRequest(ctx.http.body.error ?? 'The input is not valid JSON.');
      if (ctx.http.transport === 'rest' && withBody) {
        if (ctx.http.body.state === 'empty' || ctx.http.body.state === 'none') throw badRequest(messages.bodyEmpty);
        if (ctx.http.body.state === 'malformed') throw badRequest(ctx.http.body.error ?? 'The request body is not valid JSON.');
      }
      // Narrowed here once: the authenticator either yields a Caller or throws, so handlers need no check.
      return next({ ctx: { caller: caller as CallerUnder<R> } });
    })
    .use(async ({ ctx, getRawInput, next }) => {
      // tRPC sends no input at all for `unitTypes.list()`: with every field optional, that is `{}`.
      if (ctx.http.transport === 'trpc') {
        if (defaultsWhenAbsent && (await getRawInput()) === undefined) return next({ getRawInput: () => Promise.resolve({}) });
        return next();
      }
      // The REST route hands a body method only its body; declared query fields join it here, on REST only.
      if (!contract.query?.length || !hasJsonBody(contract.method)) return next();
      const names = new Set(contract.query);
      const raw = Object.entries(((await getRawInput()) ?? {}) as Record<string, unknown>).filter(([k]) => !names.has(k));
      const fromQuery = ctx.http.query.filter(([k]) => names.has(k));
      return next({ getRawInput: () => Promise.resolve(Object.fromEntries([...raw, ...fromQuery])) });
    })
    .input(contract.input)
    .output(contract.output)
    .use(async ({ ctx, input, next }) => {
      if (ctx.http.transport === 'trpc') Object.assign(ctx.http, restFormOf(contract, (input ?? {}) as Record<string, unknown>));
      const result = await next();
      if (result.ok && contract.status !== 200) {
        ctx.http.response.status = contract.status;
        const id = contract.status === 201 ? idOf(result.data) : undefined;
        if (id) ctx.http.response.headers.Location = `${ctx.app.config.publicUrl}${REST_BASE}${ctx.http.path}/${encodeURIComponent(id)}`;
      }
      return result;
    });
}
