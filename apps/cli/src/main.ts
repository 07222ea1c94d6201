import { run } from './program.js';

// `acc metrics list | head -1`: once the reader has gone, the rest of the output is not wanted, which
// ends the command successfully rather than with an EPIPE stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  process.stderr.write(`error: cannot write to stdout: ${e.message}\n`);
  process.exit(1);
});

const code = await run(process.argv.slice(2));
// Exit explicitly once output is flushed: idle keep-alive sockets must not hold the process open.
process.stdout.write('', () => process.exit(code));
