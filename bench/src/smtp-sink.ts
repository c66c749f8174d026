/**
 * The SMTP peer of the benchmark, run as its own process (bench/dist/smtp-sink.js) so that its
 * work is not counted against the harness or the worker: a real `smtp-server` that accepts every
 * message and only counts it. The test peer (test-support/smtp-peer.ts) parses every message
 * with mailparser, which would make the peer the bottleneck at a few hundred messages a second.
 *
 * IPC: sends `{ type: 'ready', port }`; answers `{ type: 'count' }` with `{ type: 'count', messages, bytes, sessions }`.
 */
import { SMTPServer } from 'smtp-server';

let messages = 0;
let bytes = 0;
let sessions = 0;

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  // Pools of several workers connect at once.
  maxClients: 1000,
  onConnect(_session, callback) {
    sessions += 1;
    callback();
  },
  onData(stream, _session, callback) {
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    stream.on('end', () => {
      messages += 1;
      callback();
    });
  },
});
server.on('error', (error) => {
  process.stderr.write(`smtp sink: ${error.message}\n`);
});

server.listen(0, '127.0.0.1', () => {
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.send?.({ type: 'ready', port });
});

process.on('message', (message: { type: string }) => {
  if (message.type === 'count') process.send?.({ type: 'count', messages, bytes, sessions });
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('disconnect', () => process.exit(0));
