import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// Docker cannot run in CI, so the deployment files are checked statically against
// what the server expects at runtime.

const composeText = readFileSync(new URL('../../../docker-compose.yml', import.meta.url), 'utf8');
const dockerfileText = readFileSync(new URL('../../../Dockerfile', import.meta.url), 'utf8');

interface ComposeService {
  image?: string;
  build?: unknown;
  ports?: (string | number)[];
  depends_on?: unknown;
  environment?: Record<string, string | number | boolean | null> | string[];
  healthcheck?: { test?: string | string[] };
  volumes?: unknown[];
  stop_grace_period?: string;
}

interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const compose = parse(composeText) as ComposeFile;

// Compose accepts both the map form and the "KEY=value" list form.
function envOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const i = entry.indexOf('=');
        return i === -1 ? [entry, ''] : [entry.slice(0, i), entry.slice(i + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v == null ? '' : String(v)]));
}

function healthcheckCommand(service: ComposeService): string {
  const test = service.healthcheck?.test;
  return Array.isArray(test) ? test.join(' ') : (test ?? '');
}

interface DockerInstruction {
  keyword: string;
  args: string;
}

// Joins backslash continuations and drops comments; returns only the final stage,
// which is what the image actually runs.
function finalStage(text: string): DockerInstruction[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' ';
      continue;
    }
    logical.push(current + line);
    current = '';
  }
  if (current) logical.push(current);

  const instructions = logical.map((line) => {
    const match = /^(\S+)\s*(.*)$/.exec(line)!;
    return { keyword: match[1].toUpperCase(), args: match[2].trim() };
  });
  const lastFrom = instructions.map((i) => i.keyword).lastIndexOf('FROM');
  return instructions.slice(lastFrom);
}

function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  expect(Array.isArray(parsed)).toBe(true);
  return parsed as string[];
}

const stage = finalStage(dockerfileText);
const instruction = (keyword: string) => stage.filter((i) => i.keyword === keyword);

const postgres = compose.services?.postgres;
const server = compose.services?.server;
const serverEnv = server ? envOf(server) : {};
const postgresEnv = postgres ? envOf(postgres) : {};

function containerPort(): number {
  const mapping = String(server?.ports?.[0] ?? '');
  // "host:container", optionally "ip:host:container" and/or "/tcp".
  const container = mapping.split(':').at(-1)!.split('/')[0];
  return Number(container);
}

describe('docker-compose.yml', () => {
  it('defines the postgres and server services', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['postgres', 'server']);
    expect(postgres.image).toMatch(/^postgres:16(\b|$)/);
    expect(server.build).toBeDefined();
  });

  it('publishes the server on 8080', () => {
    expect(server.ports).toEqual(['8080:8080']);
    expect(containerPort()).toBe(8080);
  });

  it('starts the server only once postgres is healthy', () => {
    expect(server.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
  });

  it('gives the server every variable it reads at startup', () => {
    for (const name of ['ACC_HOST', 'ACC_PORT', 'ACC_DATABASE_URL', 'ACC_PUBLIC_URL', 'ACC_OIDC_ISSUER', 'ACC_OIDC_JWKS_URI']) {
      expect(serverEnv[name], name).toBeTruthy();
    }
    // Listening on loopback inside a container would make the published port unreachable.
    expect(serverEnv.ACC_HOST).toBe('0.0.0.0');
    expect(Number(serverEnv.ACC_PORT)).toBe(containerPort());
    expect(new URL(serverEnv.ACC_PUBLIC_URL).port).toBe(String(containerPort()));
  });

  it('requires the OIDC settings from the operator instead of defaulting them', () => {
    expect(serverEnv.ACC_OIDC_ISSUER).toMatch(/^\$\{ACC_OIDC_ISSUER:\?.+\}$/);
    expect(serverEnv.ACC_OIDC_JWKS_URI).toMatch(/^\$\{ACC_OIDC_JWKS_URI:\?.+\}$/);
  });

  it('points the database URL at the postgres service with its credentials', () => {
    const url = new URL(serverEnv.ACC_DATABASE_URL);
    expect(['postgres:', 'postgresql:']).toContain(url.protocol);
    expect(url.hostname).toBe('postgres');
    expect(url.port === '' || url.port === '5432').toBe(true);
    expect(decodeURIComponent(url.username)).toBe(postgresEnv.POSTGRES_USER);
    expect(decodeURIComponent(url.password)).toBe(postgresEnv.POSTGRES_PASSWORD);
    expect(decodeURIComponent(url.pathname.slice(1))).toBe(postgresEnv.POSTGRES_DB);
    expect(postgresEnv).toMatchObject({ POSTGRES_DB: 'acc', POSTGRES_USER: 'acc', POSTGRES_PASSWORD: 'acc' });
  });

  it('keeps postgres data in a declared named volume', () => {
    const mounts = (postgres.volumes ?? []).map(String);
    const named = mounts.map((m) => m.split(':')[0]).filter((source) => !/^[./~]/.test(source));
    expect(named.length).toBeGreaterThan(0);
    for (const volume of named) expect(compose.volumes ?? {}).toHaveProperty(volume);
  });

  it('has healthchecks for both services', () => {
    expect(healthcheckCommand(postgres)).toContain('pg_isready');
    expect(healthcheckCommand(server)).toContain(`:${containerPort()}/health`);
  });

  it('gives the server longer to stop than it waits for in-flight requests', async () => {
    const { loadConfig } = await import('../src/config.js');
    const waitMs = loadConfig({
      ...serverEnv,
      ACC_OIDC_ISSUER: 'http://issuer.test',
      ACC_OIDC_JWKS_URI: 'http://issuer.test/jwks',
    }).shutdownTimeoutMs;
    const grace = /^(\d+)s$/.exec(server.stop_grace_period ?? '');
    expect(grace, 'stop_grace_period in seconds').not.toBeNull();
    // Docker's SIGKILL must come after the server's own deadline plus closing the database.
    expect(Number(grace![1]) * 1000).toBeGreaterThanOrEqual(waitMs + 5000);
  });
});

describe('Dockerfile', () => {
  it('builds from node:20-bookworm-slim in multiple stages', () => {
    const froms = dockerfileText.match(/^FROM\s+\S+/gim) ?? [];
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) expect(from).toMatch(/node:20-bookworm-slim$/);
  });

  it('runs the built server entry point', () => {
    const cmd = instruction('CMD').at(-1);
    expect(cmd).toBeDefined();
    expect(execForm(cmd!.args)).toEqual(['node', 'apps/server/dist/main.js']);
  });

  it('exposes the port the compose file publishes', () => {
    const exposed = instruction('EXPOSE').flatMap((i) => i.args.split(/\s+/).map((p) => Number(p.split('/')[0])));
    expect(exposed).toContain(containerPort());
  });

  it('runs as a non-root user', () => {
    const user = instruction('USER').at(-1)?.args.split(':')[0];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
  });

  it('has a healthcheck against /health', () => {
    const healthcheck = instruction('HEALTHCHECK').at(-1);
    expect(healthcheck?.args).toContain('/health');
  });
});
