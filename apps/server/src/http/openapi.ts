import { generateOpenApiDocument, type OpenAPIObject } from 'trpc-to-openapi';
import { CSV_MEDIA_TYPE, REST_BASE, type ProcedureContract } from '@acc/contracts';
import type { AppRouter } from '../router.js';
import { procedureTable } from './procedure-table.js';

const errorText: Record<number, string> = {
  400: 'Invalid request',
  401: 'Missing or invalid bearer token',
  403: 'Not permitted',
  404: 'Not found',
  409: 'Conflict',
  413: 'Request body too large',
  415: 'Cannot consume content type',
  500: 'Unexpected failure',
};

type Schema = { properties?: Record<string, unknown>; required?: string[] };
type Operation = {
  responses?: Record<string, unknown>;
  parameters?: unknown[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  [k: string]: unknown;
};

/** The generator documents every input of a body method as body; declared query fields travel in the URL. */
function moveBodyFieldsToQuery(op: Operation, names: string[]) {
  const schema = op.requestBody?.content?.['application/json']?.schema;
  for (const name of names) {
    const property = schema?.properties?.[name];
    if (!schema?.properties || property === undefined) continue;
    delete schema.properties[name];
    schema.required = schema.required?.filter((r) => r !== name);
    op.parameters = [...(op.parameters ?? []), { in: 'query', name, required: true, schema: { type: 'string' } }];
  }
}

type JsonBody = { content?: Record<string, { schema?: unknown }> };

/** A contract whose whole body is one field (the bulk push's array): the document shows that field as the body. */
function showWholeBody(op: Operation, field: string): void {
  const media = (op.requestBody as JsonBody | undefined)?.content?.['application/json'];
  const properties = (media?.schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  if (media && properties?.[field]) media.schema = properties[field];
}

/** `Accept: text/csv` (usage-api.md §3): the success answer's second media type, described from the contract's CSV form. */
function withCsvAnswer(response: unknown, contract: ProcedureContract): void {
  const content = (response as { content?: Record<string, unknown> } | undefined)?.content;
  if (!content) return;
  const what = contract.csv?.paged
    ? 'every matching item (all pages, streamed), one row each, the definition flattened into `metric_definition.*` columns'
    : 'one row per report period or usage point';
  content[CSV_MEDIA_TYPE] = {
    schema: { type: 'string', description: `RFC 4180 CSV with a header row, UTF-8: ${what}. Sent for \`Accept: text/csv\`; errors stay JSON.` },
  };
}

/**
 * trpc-to-openapi's generated document (it no longer serves REST), corrected to what the server really
 * answers: the contract's success status (201 with `Location`), and the spec's `{code, message}` envelope
 * for every error.
 */
export function buildOpenApiDocument(appRouter: AppRouter, opts: { version: string; publicUrl: string }): OpenAPIObject {
  const doc = generateOpenApiDocument(appRouter, {
    title: 'acc — Accounting Service API',
    description: 'ARGO Accounting System compatible REST API. Every error body is `{"code": <status>, "message": "..."}`.',
    version: opts.version,
    baseUrl: opts.publicUrl,
    securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
  });
  const contracts = new Map<string, ProcedureContract>();
  for (const { contract: c } of procedureTable(appRouter)) contracts.set(`${c.method.toLowerCase()} ${REST_BASE}${c.path}`, c);
  const errorRef = { $ref: '#/components/schemas/Error' };
  doc.components = {
    ...doc.components,
    schemas: {
      ...doc.components?.schemas,
      Error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { type: 'integer', description: 'Equals the HTTP status.' },
          message: { type: 'string' },
          errors: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  };
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item as Record<string, Operation>)) {
      const contract = contracts.get(`${method} ${path}`);
      if (!contract || !op.responses) continue;
      if (contract.query?.length) moveBodyFieldsToQuery(op, contract.query);
      if (contract.body) showWholeBody(op, contract.body);
      const responses: Record<string, unknown> = {};
      const ok = op.responses['200'] as Record<string, unknown> | undefined;
      if (ok) {
        responses[String(contract.status)] =
          contract.status === 201 ? { ...ok, headers: { Location: { description: 'URL of the created resource', schema: { type: 'string' } } } } : ok;
      }
      if (contract.csv) withCsvAnswer(responses[String(contract.status)], contract);
      const statuses = new Set<number>([401, ...(contract.errors ?? []), 500]);
      for (const status of [...statuses].sort()) {
        responses[String(status)] = { description: errorText[status] ?? 'Error', content: { 'application/json': { schema: errorRef } } };
      }
      op.responses = responses;
    }
  }
  return doc;
}
