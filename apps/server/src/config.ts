import { z } from 'zod';
import { issuerEntryProblem } from './apel/trusted-issuers.js';

const optional = z.string().trim().min(1).optional();
/** §1.5's AMS authorization values: public, hence a start-up warning when still accepted (insecureDefaults). */
export const DEFAULT_AMS_AUTHORIZATION = ['create_provider', 'create_installation'] as const;
// A JSON document in a variable (APEL lists and maps); unset or blank means `fallback`.
const jsonEnv = <T extends z.ZodType>(schema: T, fallback: string) =>
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text === undefined || text.trim() === '' ? fallback : text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
const jsonStringList = () => jsonEnv(z.array(z.string()), '[]');
// Compose files often pass `VAR: ""` for "unset"; z.coerce would turn that into 0 (a random port).
const optionalPort = z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(0).max(65535).optional());

/** Every ACC_* variable, parsed in one place; the README's configuration table mirrors this. */
const EnvSchema = z.object({
  ACC_HOST: z.string().default('127.0.0.1'),
  ACC_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  ACC_PUBLIC_URL: z.string().url().default('http://localhost:8080'),
  ACC_DATABASE_URL: optional,
  ACC_DATA_DIR: z.string().default('./.acc-data'),
  // Unset: the database package's defaults (DEFAULT_DATABASE_TIMEOUTS). 0 turns the statement limit off.
  ACC_DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).optional(),
  ACC_DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
  ACC_OIDC_ISSUER: optional,
  ACC_OIDC_JWKS_URI: z.string().url().optional(),
  ACC_OIDC_AUDIENCE: optional,
  ACC_UI_OIDC_CLIENT_ID: optional,
  ACC_UI_OIDC_SCOPES: z.string().trim().min(1).default('openid profile email'),
  ACC_WEB_DIR: optional,
  ACC_CALLER_ID_CLAIM: z.string().default('sub'),
  ACC_SERVICE_ID_CLAIM: z.string().default('client_id'),
  ACC_ENTITLEMENTS_SOURCE: z.enum(['database', 'oidc']).default('database'),
  ACC_ENTITLEMENTS_CLAIM: z.string().default('entitlements'),
  ACC_ENTITLEMENTS_NAMESPACE: z.string().default('urn:geant:sandbox.eosc-beyond.eu:core:integration:group'),
  ACC_ENTITLEMENTS_PARENT: z.string().default('accounting'),
  ACC_AUTH_CACHE_TTL_MS: z.coerce.number().int().min(0).default(5_000),
  ACC_PUSH_TARGET_CACHE_TTL_MS: z.coerce.number().int().min(0).default(60_000),
  ACC_TLS_CERT: optional,
  ACC_TLS_KEY: optional,
  ACC_TLS_CLIENT_CA: optional,
  // The body limit of every JSON endpoint whose contract declares no larger one (bulk push: 8 MiB).
  ACC_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  // Bodies of every request held in memory at once (64 MiB: one APEL message at its limit).
  ACC_MAX_BODY_BYTES_IN_FLIGHT: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024 * 1024),
  ACC_HEADERS_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  ACC_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  ACC_APEL_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(300_000),
  ACC_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  ACC_MAX_CONNECTIONS: z.coerce.number().int().positive().default(1024),
  // 0 turns load shedding off; unset: 1000 with PostgreSQL, off with the embedded database (see below).
  ACC_MAX_EVENT_LOOP_LAG_MS: z.coerce.number().int().min(0).optional(),
  ACC_VERSION: z.string().default('1.8.1'),
  // `off`: no OpenAIRE lookups at all; unset: on in production, off in dev mode (no network needed).
  ACC_OPENAIRE_URL: z.preprocess(
    (v) => (typeof v === 'string' ? (v.trim() === '' ? undefined : v.trim().toLowerCase() === 'off' ? 'off' : v.trim()) : v),
    z.union([z.literal('off'), z.string().url({ message: 'must be a URL or "off"' })]).optional(),
  ),
  // Dev mode only: seed the demo federation into an empty data folder.
  ACC_DEMO: z.stringbool().default(true),
  // No default: syncing is opt-in so tests and air-gapped deployments never reach the public registry.
  ACC_EOSC_PROVIDERS_URL: z.string().url().optional(),
  // APEL cloud accounting (docs: README "APEL cloud accounting"; spec apel-cloud-accounting.md).
  ACC_APEL_PROVIDERS_URL: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().url().optional()),
  ACC_APEL_ALLOWED_DNS: jsonStringList(),
  ACC_APEL_BANNED_DNS: jsonStringList(),
  ACC_APEL_IAM_ISSUERS: jsonStringList(),
  ACC_APEL_INTROSPECTION_CLIENT_ID: optional,
  ACC_APEL_INTROSPECTION_CLIENT_SECRET: optional,
  ACC_APEL_ALLOWED_FOR_GET: jsonStringList(),
  ACC_APEL_ALLOW_HTTP_ISSUERS: z.stringbool().default(false),
  ACC_APEL_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024 * 1024),
  ACC_APEL_SITE_MAP: jsonEnv(z.record(z.string(), z.string().min(1)), '{}'),
  ACC_TRUSTED_DN_HEADER: optional,
  ACC_TRUSTED_PROXIES: z.string().default(''),
  ACC_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ACC_LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  ACC_METRICS_TOKEN: optional,
  ACC_METRICS_PORT: optionalPort,
  ACC_METRICS_HOST: z.string().default('127.0.0.1'),
  ACC_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  ACC_CORS_ORIGINS: z.string().default(''),
  // AMS push listener (§4.14): accepted Authorization values (comma-separated), target project, verification hash.
  ACC_AMS_AUTHORIZATION: z.string().default(DEFAULT_AMS_AUTHORIZATION.join(',')),
  ACC_AMS_PROJECT: z.string().trim().min(1).default('eosc_service_catalogue'),
  ACC_AMS_VERIFICATION_HASH: z.string().default('hash_value'),
  // Webhook targets (alerts.md §1): https only, public addresses only, unless these say otherwise.
  ACC_WEBHOOK_ALLOW_HTTP: z.stringbool().default(false),
  // Unset: allowed in dev mode only.
  ACC_WEBHOOK_ALLOW_PRIVATE: z.stringbool().optional(),
  // Delivery (alerts.md §2): per-attempt timeout, polling, the claim's lease, the retry schedule and window.
  ACC_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  ACC_WEBHOOK_POLL_MS: z.coerce.number().int().positive().default(1_000),
  ACC_WEBHOOK_LEASE_MS: z.coerce.number().int().positive().default(60_000),
  ACC_WEBHOOK_BACKOFF_MS: z
    .string()
    .default('5000,30000,120000,600000,3600000')
    .transform((text, ctx) => {
      const delays = text.split(',').map((v) => Number(v.trim()));
      if (delays.length === 0 || delays.some((d) => !Number.isInteger(d) || d < 0)) {
        ctx.addIssue({ code: 'custom', message: 'must be comma-separated non-negative integers (milliseconds)' });
        return z.NEVER;
      }
      return delays;
    }),
  ACC_WEBHOOK_RETRY_FOR_MS: z.coerce.number().int().positive().default(86_400_000),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  host: string;
  port: number;
  publicUrl: string;
  /** PostgreSQL `timeouts` bound how long a down or frozen database can hold a request (then 503). */
  database: { url: string; timeouts?: { statementTimeoutMs?: number; connectTimeoutMs?: number } } | { dataDir: string } | { memory: true };
  oidc: {
    issuer?: string;
    jwksUri?: string;
    audience?: string;
    callerIdClaim: string;
    serviceIdClaim: string;
  };
  entitlements: { source: 'database' | 'oidc'; claim: string; namespace: string; parent: string };
  /**
   * How long authentication remembers an issuer's OIDC tenant, the ENTITLEMENTS_MANAGEMENT setting and a
   * caller's stored entitlements (0: not at all). Admin changes through this process apply at once; other
   * instances and direct database writes are seen after at most this long.
   */
  authCacheTtlMs: number;
  /**
   * How long a single push remembers the installation and definition it found (0: not at all). A hint the
   * push's INSERT re-checks, so changes anywhere are honoured at once; it bounds memory, not staleness.
   */
  pushTargetCacheTtlMs: number;
  tls?: { cert: string; key: string; clientCa?: string };
  /** Body limit of JSON endpoints whose contract declares no `maxBodyBytes` of its own. */
  maxBodyBytes: number;
  /**
   * Slow-client and load limits of the HTTP(S) listener: all headers within `headersTimeoutMs`, the
   * whole request within `requestTimeoutMs` (APEL uploads within `apelRequestTimeoutMs`), idle
   * keep-alive connections closed after `keepAliveTimeoutMs`, at most `maxConnections` open at once,
   * and 503 while the event loop lags more than `maxEventLoopLagMs` (0: never) or while request bodies
   * already hold `maxBodyBytesInFlight` (a lone body up to its own limit is always read).
   */
  limits: {
    maxBodyBytesInFlight: number;
    headersTimeoutMs: number;
    requestTimeoutMs: number;
    apelRequestTimeoutMs: number;
    keepAliveTimeoutMs: number;
    maxConnections: number;
    maxEventLoopLagMs: number;
  };
  version: string;
  /**
   * OpenAIRE base URL for project registration and the custom-project check (§4.5); unset: lookups are
   * off (custom projects are accepted unchecked, `register-projects` is refused).
   */
  openaireUrl?: string;
  /** EOSC provider registry base URL (§4.4); unset: no provider sync. */
  eoscProvidersUrl?: string;
  apel: {
    providersUrl?: string;
    allowedDns: string[];
    bannedDns: string[];
    /** Issuer URLs or host names (`IAM_HOSTNAME_LIST`). */
    iamIssuers: string[];
    introspection?: { clientId: string; clientSecret: string };
    /** Token subjects allowed to read summaries. */
    allowedForGet: string[];
    /** Tests and dev only: trust `http://` issuers on 127.0.0.1 / localhost. */
    allowHttpIssuers: boolean;
    maxBodyBytes: number;
    /** ARGO bridge: APEL SiteName → installation id. */
    siteMap: Record<string, string>;
  };
  /** Client-certificate DN set by a TLS-terminating proxy; honoured only from `proxies` (peer IPs). */
  trustedDn?: { header: string; proxies: string[] };
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'; format: 'json' | 'pretty' };
  /** `port` set: /metrics moves to its own listener on `host`; `token` set: scrapes need it as a bearer token. */
  metrics: { token?: string; port?: number; host: string };
  /** How long SIGTERM waits for in-flight requests before closing their connections. */
  shutdownTimeoutMs: number;
  /** Exact origins (scheme://host[:port]) allowed cross-origin, or `*`; empty: no CORS headers at all. */
  cors: { origins: string[] };
  /** AMS push listener (§4.14): Authorization values it accepts, the project it files into, the hash it shows AMS. */
  ams: { authorization: string[]; project: string; verificationHash: string };
  /** The web dashboard: where its build is (unset: apps/web/dist) and the OIDC client it signs in as. */
  ui: { webDir?: string; oidcClientId?: string; oidcScopes: string };
  /** Webhook targets: plain http allowed, private/loopback addresses allowed (alerts.md §1); delivery (§2). */
  webhooks: { allowHttp: boolean; allowPrivate: boolean; delivery: WebhookDeliveryConfig };
  /** Dev mode: the server is its own token issuer (never in production). */
  dev: boolean;
  /** Dev mode only: seed the demo federation when the data folder has no project yet. */
  demo: boolean;
}

/** How the dispatcher delivers (alerts.md §2); the defaults are the spec's, tests shorten them. */
export interface WebhookDeliveryConfig {
  /** One attempt's limit: no complete answer within it counts as a failed attempt. */
  timeoutMs: number;
  /** How often each instance looks for due events (writes in the same process also wake it at once). */
  pollMs: number;
  /** How long a claim keeps other instances off an event; a crashed instance's claims expire after it. */
  leaseMs: number;
  /** The wait after the 1st, 2nd, … failed attempt; the last one repeats. */
  backoffMs: number[];
  /** Retries stop this long after the event was queued: it is then `failed`. */
  retryForMs: number;
}

export const DEFAULT_OPENAIRE_URL = 'https://api.openaire.eu';

/**
 * Secrets whose defaults are public (the spec's §1.5 values, or no token at all): a production start
 * with them is open to anyone who has read the documentation, so it is told so, but not refused
 * (a listener behind a private network may rely on the defaults on purpose).
 */
export function insecureDefaults(config: Config): string[] {
  if (config.dev) return [];
  const warnings: string[] = [];
  if (!config.metrics.token) warnings.push('ACC_METRICS_TOKEN is not set: anyone who can reach /metrics can read it.');
  const publicValues = config.ams.authorization.filter((v) => (DEFAULT_AMS_AUTHORIZATION as readonly string[]).includes(v));
  if (publicValues.length > 0)
    warnings.push(
      `ACC_AMS_AUTHORIZATION accepts the documented default value(s) ${publicValues.join(', ')}: anyone can push to /accounting-system/ams-listener.`,
    );
  return warnings;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv, options: { dev?: boolean } = {}): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid configuration: ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  const dev = options.dev ?? false;
  if (!dev && !e.ACC_OIDC_ISSUER) {
    throw new ConfigError('No token issuer configured: set ACC_OIDC_ISSUER (and ACC_OIDC_JWKS_URI), or run `npm start` for dev mode.');
  }
  if ((e.ACC_TLS_CERT && !e.ACC_TLS_KEY) || (!e.ACC_TLS_CERT && e.ACC_TLS_KEY)) {
    throw new ConfigError('ACC_TLS_CERT and ACC_TLS_KEY must be set together.');
  }
  if (!e.ACC_APEL_INTROSPECTION_CLIENT_ID !== !e.ACC_APEL_INTROSPECTION_CLIENT_SECRET) {
    throw new ConfigError('ACC_APEL_INTROSPECTION_CLIENT_ID and ACC_APEL_INTROSPECTION_CLIENT_SECRET must be set together.');
  }
  for (const entry of e.ACC_APEL_IAM_ISSUERS) {
    const problem = issuerEntryProblem(entry, e.ACC_APEL_ALLOW_HTTP_ISSUERS);
    if (problem) throw new ConfigError(`Invalid configuration: ACC_APEL_IAM_ISSUERS: ${problem}.`);
  }
  if (e.ACC_HEADERS_TIMEOUT_MS > e.ACC_REQUEST_TIMEOUT_MS) {
    throw new ConfigError('Invalid configuration: ACC_HEADERS_TIMEOUT_MS must not exceed ACC_REQUEST_TIMEOUT_MS.');
  }
  const corsOrigins = e.ACC_CORS_ORIGINS.split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  for (const origin of corsOrigins) {
    if (origin !== '*' && !isOrigin(origin)) {
      throw new ConfigError(`Invalid configuration: ACC_CORS_ORIGINS: "${origin}" is not an origin like https://example.org`);
    }
  }
  return {
    host: e.ACC_HOST,
    port: e.ACC_PORT,
    publicUrl: e.ACC_PUBLIC_URL.replace(/\/+$/, ''),
    database: e.ACC_DATABASE_URL
      ? {
          url: e.ACC_DATABASE_URL,
          timeouts: {
            ...(e.ACC_DB_STATEMENT_TIMEOUT_MS !== undefined && { statementTimeoutMs: e.ACC_DB_STATEMENT_TIMEOUT_MS }),
            ...(e.ACC_DB_CONNECT_TIMEOUT_MS !== undefined && { connectTimeoutMs: e.ACC_DB_CONNECT_TIMEOUT_MS }),
          },
        }
      : { dataDir: e.ACC_DATA_DIR },
    oidc: {
      issuer: e.ACC_OIDC_ISSUER,
      jwksUri: e.ACC_OIDC_JWKS_URI ?? (e.ACC_OIDC_ISSUER ? `${e.ACC_OIDC_ISSUER.replace(/\/+$/, '')}/protocol/openid-connect/certs` : undefined),
      audience: e.ACC_OIDC_AUDIENCE,
      callerIdClaim: e.ACC_CALLER_ID_CLAIM,
      serviceIdClaim: e.ACC_SERVICE_ID_CLAIM,
    },
    entitlements: {
      source: e.ACC_ENTITLEMENTS_SOURCE,
      claim: e.ACC_ENTITLEMENTS_CLAIM,
      namespace: e.ACC_ENTITLEMENTS_NAMESPACE,
      parent: e.ACC_ENTITLEMENTS_PARENT,
    },
    authCacheTtlMs: e.ACC_AUTH_CACHE_TTL_MS,
    pushTargetCacheTtlMs: e.ACC_PUSH_TARGET_CACHE_TTL_MS,
    tls: e.ACC_TLS_CERT && e.ACC_TLS_KEY ? { cert: e.ACC_TLS_CERT, key: e.ACC_TLS_KEY, clientCa: e.ACC_TLS_CLIENT_CA } : undefined,
    maxBodyBytes: e.ACC_MAX_BODY_BYTES,
    limits: {
      maxBodyBytesInFlight: e.ACC_MAX_BODY_BYTES_IN_FLIGHT,
      headersTimeoutMs: e.ACC_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.ACC_REQUEST_TIMEOUT_MS,
      apelRequestTimeoutMs: Math.max(e.ACC_APEL_REQUEST_TIMEOUT_MS, e.ACC_REQUEST_TIMEOUT_MS),
      keepAliveTimeoutMs: e.ACC_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: e.ACC_MAX_CONNECTIONS,
      // PGlite runs its queries on the event loop: a large bulk push legitimately holds it for seconds, and
      // shedding would then refuse the same client's next request although the loop is free again.
      maxEventLoopLagMs: e.ACC_MAX_EVENT_LOOP_LAG_MS ?? (e.ACC_DATABASE_URL ? 1000 : 0),
    },
    version: e.ACC_VERSION,
    openaireUrl: openaireUrlOf(e.ACC_OPENAIRE_URL, dev),
    eoscProvidersUrl: e.ACC_EOSC_PROVIDERS_URL,
    apel: {
      providersUrl: e.ACC_APEL_PROVIDERS_URL,
      allowedDns: e.ACC_APEL_ALLOWED_DNS,
      bannedDns: e.ACC_APEL_BANNED_DNS,
      iamIssuers: e.ACC_APEL_IAM_ISSUERS,
      introspection:
        e.ACC_APEL_INTROSPECTION_CLIENT_ID && e.ACC_APEL_INTROSPECTION_CLIENT_SECRET
          ? { clientId: e.ACC_APEL_INTROSPECTION_CLIENT_ID, clientSecret: e.ACC_APEL_INTROSPECTION_CLIENT_SECRET }
          : undefined,
      allowedForGet: e.ACC_APEL_ALLOWED_FOR_GET,
      allowHttpIssuers: e.ACC_APEL_ALLOW_HTTP_ISSUERS,
      maxBodyBytes: e.ACC_APEL_MAX_BODY_BYTES,
      siteMap: e.ACC_APEL_SITE_MAP,
    },
    trustedDn: e.ACC_TRUSTED_DN_HEADER
      ? {
          header: e.ACC_TRUSTED_DN_HEADER.toLowerCase(),
          proxies: e.ACC_TRUSTED_PROXIES.split(',')
            .map((a) => a.trim())
            .filter(Boolean),
        }
      : undefined,
    log: { level: e.ACC_LOG_LEVEL, format: e.ACC_LOG_FORMAT ?? (dev ? 'pretty' : 'json') },
    metrics: { token: e.ACC_METRICS_TOKEN, port: e.ACC_METRICS_PORT, host: e.ACC_METRICS_HOST },
    shutdownTimeoutMs: e.ACC_SHUTDOWN_TIMEOUT_MS,
    webhooks: {
      allowHttp: e.ACC_WEBHOOK_ALLOW_HTTP,
      allowPrivate: e.ACC_WEBHOOK_ALLOW_PRIVATE ?? dev,
      delivery: {
        timeoutMs: e.ACC_WEBHOOK_TIMEOUT_MS,
        pollMs: e.ACC_WEBHOOK_POLL_MS,
        // A claim must outlast the attempt it covers, or another instance would send it again meanwhile.
        leaseMs: Math.max(e.ACC_WEBHOOK_LEASE_MS, e.ACC_WEBHOOK_TIMEOUT_MS + 1_000),
        backoffMs: e.ACC_WEBHOOK_BACKOFF_MS,
        retryForMs: e.ACC_WEBHOOK_RETRY_FOR_MS,
      },
    },
    cors: { origins: corsOrigins.map((o) => o.toLowerCase()) },
    ams: {
      authorization: e.ACC_AMS_AUTHORIZATION.split(',')
        .map((v) => v.trim())
        .filter(Boolean),
      project: e.ACC_AMS_PROJECT,
      verificationHash: e.ACC_AMS_VERIFICATION_HASH,
    },
    ui: { webDir: e.ACC_WEB_DIR, oidcClientId: e.ACC_UI_OIDC_CLIENT_ID, oidcScopes: e.ACC_UI_OIDC_SCOPES },
    dev,
    demo: dev && e.ACC_DEMO,
  };
}

function openaireUrlOf(value: string | undefined, dev: boolean): string | undefined {
  if (value === 'off') return undefined;
  const url = value ?? (dev ? undefined : DEFAULT_OPENAIRE_URL);
  return url?.replace(/\/+$/, '');
}

// Browsers send the Origin header serialised exactly like URL.origin, so anything else could never match.
function isOrigin(value: string): boolean {
  try {
    return new URL(value).origin === value.toLowerCase();
  } catch {
    return false;
  }
}
