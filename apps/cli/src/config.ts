import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AccountingClient, PAGE_SIZE } from '@acc/client';
import { CliError, UsageError } from './io.js';

/** The global flags every command accepts (§4). */
export interface GlobalOptions {
  host?: string;
  url?: string;
  token?: string;
  f?: boolean;
  timeout?: number;
  retries?: number;
  pageSize?: number;
  output: 'text' | 'json' | 'table' | 'csv';
}

interface ConfigFile {
  url?: string;
  host?: string;
  token?: string;
  token_file?: string;
}

export const configPath = () => join(homedir(), '.config', 'acc', 'config.json');
/** The config path as users write it in messages: `~/.config/acc/config.json`. */
const shownConfigPath = () => join('~', '.config', 'acc', 'config.json');

function readConfigFile(): ConfigFile {
  const path = configPath();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('expected a JSON object');
    return parsed;
  } catch (e) {
    throw new CliError(`Error while reading config file ${path}: ${(e as Error).message}`);
  }
}

const readTokenFile = (path: string): string => {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (e) {
    throw new CliError(`Error while reading token from file: ${(e as Error).message}`);
  }
};

/**
 * Where to connect: flags, then ACC_URL, then the config file. There is no built-in default: a
 * forgotten ACC_URL must not send the token to a server nobody chose.
 */
export function resolveEndpoint(opts: Pick<GlobalOptions, 'host' | 'url'>, env = process.env): string {
  if (opts.url) return opts.url;
  if (opts.host) return opts.host;
  if (env.ACC_URL) return env.ACC_URL;
  const file = readConfigFile();
  const endpoint = file.url ?? file.host;
  if (!endpoint) throw new UsageError(`no server given: pass --url <url> (or --host <fqdn>), or set ACC_URL, or "url" in ${shownConfigPath()}`);
  return endpoint;
}

/** The token: flags win over ACC_TOKEN / ACC_TOKEN_FILE, which win over the config file. */
export function resolveToken(opts: Pick<GlobalOptions, 'token' | 'f'>, env = process.env): string {
  let token: string | undefined;
  if (opts.token !== undefined) token = opts.f ? readTokenFile(opts.token) : opts.token;
  else if (env.ACC_TOKEN) token = env.ACC_TOKEN;
  else if (env.ACC_TOKEN_FILE) token = readTokenFile(env.ACC_TOKEN_FILE);
  else {
    const file = readConfigFile();
    if (file.token) token = file.token;
    else if (file.token_file) token = readTokenFile(file.token_file);
  }
  token = token?.trim();
  if (!token) throw new UsageError(`a token is required: pass --token, or set ACC_TOKEN or ACC_TOKEN_FILE, or "token" in ${shownConfigPath()}`);
  return token;
}

/** `pageSize: false` leaves paging to the caller (search passes its own, up to 1000). */
export function createClient(opts: GlobalOptions, { pageSize = true } = {}): AccountingClient {
  if (pageSize && opts.pageSize !== undefined && opts.pageSize > PAGE_SIZE.max)
    throw new UsageError(`option '--page-size <n>' argument must be between 1 and ${PAGE_SIZE.max} for this command.`);
  return new AccountingClient({
    endpoint: resolveEndpoint(opts),
    token: resolveToken(opts),
    timeoutMs: opts.timeout === undefined ? undefined : Math.round(opts.timeout * 1000),
    retries: opts.retries,
    pageSize: pageSize ? opts.pageSize : undefined,
  });
}
