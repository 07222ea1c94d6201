import type { IncomingMessage, ServerResponse } from 'node:http';
import { metricWriteAllowed } from '../access/index.js';
import { AppError } from '../errors.js';
import type { AppServices } from '../services.js';
import { sendError, sendJson } from './send.js';

export const UI_PERMISSIONS_PATH = '/ui/permissions';

/**
 * `GET /ui/permissions?installation_id=` — for the web dashboard: whether the caller may push, edit and
 * delete metrics of an installation it can see. The answer comes from the access module, so the page
 * offers exactly what the API would accept; the API itself still checks every call.
 */
export function uiPermissionsRoute(app: AppServices) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return sendError(res, 405, 'Method not allowed');
    }
    const id = url.searchParams.get('installation_id') ?? '';
    if (id === '' || id.length > 255) return sendError(res, 400, 'installation_id must be 1-255 characters.');
    try {
      const caller = await app.authenticator.authenticate(req.headers.authorization);
      const installation = await app.installations.get(caller, { id });
      const write = metricWriteAllowed(caller, installation);
      return sendJson(
        res,
        200,
        { installation_id: installation.id, metrics: { read: true, push: write, edit: write, delete: write } },
        { 'Cache-Control': 'no-store' },
      );
    } catch (err) {
      if (err instanceof AppError) return sendError(res, err.status, err.message);
      throw err;
    }
  };
}
