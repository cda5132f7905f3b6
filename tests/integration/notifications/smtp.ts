/** The real SMTP transport (nodemailer) pointed at a test server's port. */
import { smtpTransport } from '../../../src/notifications/worker';

export function smtpTransportFor(port: number) {
  return smtpTransport(`smtp://127.0.0.1:${port}`, 'Marginalia <club@example.org>');
}
