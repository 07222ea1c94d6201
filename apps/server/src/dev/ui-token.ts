import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DataSource } from 'typeorm';
import { newObjectId } from '@acc/db';
import { readRaw } from '../http/body.js';
import { sendError, sendJson } from '../http/send.js';
import { devAdminClaims, mintDevToken, type DevKeys } from './dev-issuer.js';
import { grantDevActor } from './seed.js';

/** How long a dashboard sign-in lasts in dev mode; the page signs in again after it. */
const TTL_SECONDS = 8 * 3600;
const SUB = /^[A-Za-z0-9._@-]{1,64}$/;
const MAX_ENTITLEMENTS = 10;
const MAX_BODY_BYTES = 8 * 1024;

/**
 * `POST /dev/ui-token` — dev mode only (registered only when the server is its own issuer): the dashboard's
 * dev sign-in. `{}` signs in as the dev admin; `{ "sub": "alice", "entitlements": ["<ns>:<parent>:P:role=viewer"] }`
 * registers alice with those entitlements (as `npm run dev:token -- --sub` does) and signs her in.
 */
export function devUiTokenRoute(keys: DevKeys, db: DataSource, namespace: string, parent: string) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return sendError(res, 405, 'Method not allowed');
    }
    let input: unknown;
    try {
      const text = (await readRaw(req, { maxBytes: MAX_BODY_BYTES })).toString('utf8');
      input = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      return sendError(res, 400, 'The body must be a JSON object of at most 8 KiB.');
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return sendError(res, 400, 'The body must be a JSON object.');
    const { sub, entitlements = [] } = input as { sub?: unknown; entitlements?: unknown };
    if (sub === undefined) {
      const token = await mintDevToken(keys, devAdminClaims(namespace, parent), `${TTL_SECONDS}s`);
      return sendJson(res, 200, { access_token: token, expires_in: TTL_SECONDS, sub: devAdminClaims(namespace, parent).sub });
    }
    if (typeof sub !== 'string' || !SUB.test(sub)) return sendError(res, 400, 'sub must be 1-64 letters, digits or . _ @ -');
    if (!Array.isArray(entitlements) || entitlements.length > MAX_ENTITLEMENTS || !entitlements.every((e) => typeof e === 'string'))
      return sendError(res, 400, `entitlements must be a list of at most ${MAX_ENTITLEMENTS} strings.`);
    const prefix = `${namespace}:${parent}`;
    const wrong = entitlements.find((e) => !e.startsWith(prefix) || e.length > 512);
    if (wrong !== undefined) return sendError(res, 400, `Entitlement "${wrong.slice(0, 80)}" must start with ${prefix} (at most 512 characters).`);
    const names = entitlements;
    await db.transaction(async (m) => {
      for (const name of names) await grantDevActor(m, { actorId: newObjectId(), oidcId: sub, name: sub }, name);
    });
    const token = await mintDevToken(keys, { sub, name: sub, entitlements: names }, `${TTL_SECONDS}s`);
    return sendJson(res, 200, { access_token: token, expires_in: TTL_SECONDS, sub });
  };
}
