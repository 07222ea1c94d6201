import { z } from 'zod';

const optional = z.string().trim().min(1).optional();

/** Every ACC_* variable, parsed in one place; the README's configuration table mirrors this. */
const EnvSchema = z.object({
  ACC_HOST: z.string().default('127.0.0.1'),
  ACC_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  ACC_PUBLIC_URL: z.string().url().default('http://localhost:8080'),
  ACC_DATABASE_URL: optional,
  ACC_DATA_DIR: z.string().default('./.acc-data'),
  ACC_OIDC_ISSUER: optional,
  ACC_OIDC_JWKS_URI: z.string().url().optional(),
  ACC_OIDC_AUDIENCE: optional,
  ACC_CALLER_ID_CLAIM: z.string().default('sub'),
  ACC_SERVICE_ID_CLAIM: z.string().default('client_id'),
  ACC_ENTITLEMENTS_SOURCE: z.enum(['database', 'oidc']).default('database'),
  ACC_ENTITLEMENTS_CLAIM: z.string().default('entitlements'),
  ACC_ENTITLEMENTS_NAMESPACE: z.string().default('urn:geant:sandbox.eosc-beyond.eu:core:integration:group'),
  ACC_ENTITLEMENTS_PARENT: z.string().default('accounting'),
  ACC_TLS_CERT: optional,
  ACC_TLS_KEY: optional,
  ACC_TLS_CLIENT_CA: optional,
  ACC_MAX_BODY_BYTES: z.coerce.number().int().positive().default(32 * 1024 * 1024),
  ACC_VERSION: z.string().default('1.8.1'),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  host: string;
  port: number;
  publicUrl: string;
  database: { url: string } | { dataDir: string } | { memory: true };
  oidc: {
    issuer?: string;
    jwksUri?: string;
    audience?: string;
    callerIdClaim: string;
    serviceIdClaim: string;
  };
  entitlements: { source: 'database' | 'oidc'; claim: string; namespace: string; parent: string };
  tls?: { cert: string; key: string; clientCa?: string };
  maxBodyBytes: number;
  version: string;
  /** Dev mode: the server is its own token issuer (never in production). */
  dev: boolean;
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
    throw new ConfigError(
      'No token issuer configured: set ACC_OIDC_ISSUER (and ACC_OIDC_JWKS_URI), or run `npm start` for dev mode.',
    );
  }
  if ((e.ACC_TLS_CERT && !e.ACC_TLS_KEY) || (!e.ACC_TLS_CERT && e.ACC_TLS_KEY)) {
    throw new ConfigError('ACC_TLS_CERT and ACC_TLS_KEY must be set together.');
  }
  return {
    host: e.ACC_HOST,
    port: e.ACC_PORT,
    publicUrl: e.ACC_PUBLIC_URL.replace(/\/+$/, ''),
    database: e.ACC_DATABASE_URL ? { url: e.ACC_DATABASE_URL } : { dataDir: e.ACC_DATA_DIR },
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
    tls: e.ACC_TLS_CERT && e.ACC_TLS_KEY ? { cert: e.ACC_TLS_CERT, key: e.ACC_TLS_KEY, clientCa: e.ACC_TLS_CLIENT_CA } : undefined,
    maxBodyBytes: e.ACC_MAX_BODY_BYTES,
    version: e.ACC_VERSION,
    dev,
  };
}
