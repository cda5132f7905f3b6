/**
 * Who may do what with notifications: the ONLY place it is decided. A notification is its
 * recipient's alone: another reader asking for it gets exactly what a notification that does
 * not exist gets (404). Preferences are one's own and need a signed-in reader. Unsubscribing
 * needs no session at all: the signed token is the permission (unsubscribe.ts).
 */
export type NotificationAction = 'open' | 'markRead';

export function notificationCan(readerId: number | null, action: NotificationAction, notification: { recipientId: number; inApp: boolean } | undefined): boolean {
  if (readerId === null || !notification) return false;
  switch (action) {
    case 'open':
    case 'markRead':
      return notification.recipientId === readerId && notification.inApp;
  }
}

export function preferencesCan(readerId: number | null): boolean {
  return readerId !== null;
}
