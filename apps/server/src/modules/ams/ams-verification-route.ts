import type { Config } from '../../config.js';
import type { RawRoute as Route } from '../../http/fastify-app.js';
import { sendError } from '../../http/send.js';

/** `GET /ams_verification_hash` (§4.15): AMS reads this to verify that the push endpoint is ours. */
export const amsVerificationRoute =
  (config: Config): Route =>
  (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return sendError(res, 405, 'Method not allowed');
    }
    const hash = config.ams.verificationHash;
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(hash) });
    res.end(req.method === 'HEAD' ? undefined : hash);
  };
