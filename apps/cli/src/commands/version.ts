import type { Command } from 'commander';
import { createClient } from '../config.js';
import { out } from '../io.js';
import { CLI_VERSION, failWith, globalsOf } from '../util.js';

export function registerVersion(program: Command): void {
  program
    .command('version')
    .description("show this CLI's version and the server's (GET /admin/version, system admins only)")
    .action(async (_o, cmd: Command) => {
      const g = globalsOf(cmd);
      const acc = createClient(g);
      const server = await acc.version().catch(failWith('Error while fetching the server version'));
      if (g.output === 'json') out(JSON.stringify({ client: CLI_VERSION, server }, null, 2));
      else out(`client ${CLI_VERSION}\nserver ${server}`);
    });
}
