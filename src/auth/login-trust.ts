/**
 * The sign-in throttle's trust in the database (db/schema/shared.ts), shared by every app
 * process on it: the device-cookie key (`shared_secrets`, made once by whichever process asks
 * first — insert-or-ignore, then read what won) and each account's latest sign-in addresses
 * (`login_known_addresses`). Portable SQL through drizzle.
 *
 * The key now outlives a restart, so a browser stays trusted across deploys; whoever can read
 * the database could forge device cookies, but could read the password hashes too.
 */
import { randomBytes } from 'node:crypto';
import { and, desc, eq, lt, notInArray, or, sql } from 'drizzle-orm';
import { prepared, type Db } from '../../db/connection';
import { loginKnownAddresses as known, sharedSecrets } from '../../db/schema';
import { KNOWN_ADDRESS_MS, KNOWN_ADDRESSES_PER_ACCOUNT, type LoginTrustStore } from './login-throttle';

const DEVICE_KEY = 'login-device-key';
const p = (name: string) => sql.placeholder(name);

export function databaseLoginTrust(db: Db): LoginTrustStore {
  let key: Buffer | null = null;
  const lastFrom = prepared(db, 'login-known-address', (db) =>
    db
      .select({ lastAt: known.lastAt })
      .from(known)
      .where(and(eq(known.usernameKey, p('usernameKey')), eq(known.address, p('address'))))
      .prepare(),
  );
  return {
    deviceKey() {
      if (key) return key;
      db.insert(sharedSecrets).values({ name: DEVICE_KEY, value: randomBytes(32).toString('base64'), createdAt: Date.now() }).onConflictDoNothing().run();
      const stored = db.select({ value: sharedSecrets.value }).from(sharedSecrets).where(eq(sharedSecrets.name, DEVICE_KEY)).get()!;
      return (key = Buffer.from(stored.value, 'base64'));
    },
    lastSignInFrom: (usernameKey, address) => lastFrom.get({ usernameKey, address })?.lastAt,
    rememberAddress(usernameKey, address, now) {
      db.insert(known)
        .values({ usernameKey, address, lastAt: now })
        .onConflictDoUpdate({ target: [known.usernameKey, known.address], set: { lastAt: now } })
        .run();
      const latest = db
        .select({ address: known.address })
        .from(known)
        .where(eq(known.usernameKey, usernameKey))
        .orderBy(desc(known.lastAt), desc(known.address))
        .limit(KNOWN_ADDRESSES_PER_ACCOUNT)
        .all()
        .map((row) => row.address);
      db.delete(known)
        .where(and(eq(known.usernameKey, usernameKey), or(notInArray(known.address, latest), lt(known.lastAt, now - KNOWN_ADDRESS_MS))))
        .run();
    },
  };
}
