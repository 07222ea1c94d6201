import { run } from './program.js';

const code = await run(process.argv.slice(2));
// Exit explicitly once output is flushed: idle keep-alive sockets must not hold the process open.
process.stdout.write('', () => process.exit(code));
