/** An SMTP server that accepts every mail and says how many it has: `port N` once, then `mails N`. Run by bench/notifications.ts in its own process. */
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

let received = 0;
const sink = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, _session, callback) {
    stream.on('data', () => {});
    stream.on('end', () => {
      received++;
      callback();
    });
  },
});
sink.on('error', () => {}); // a client hanging up at the end is not our concern
sink.listen(0, '127.0.0.1', () => process.stdout.write(`port ${(sink.server.address() as AddressInfo).port}\n`));
setInterval(() => process.stdout.write(`mails ${received}\n`), 250);
process.on('SIGTERM', () => sink.close(() => process.exit(0)));
