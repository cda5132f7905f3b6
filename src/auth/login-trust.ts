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
import { first, prepared, transaction, type Db } from '../../db/connection';
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
    async deviceKey() {
      if (key) return key;
      await db.insert(sharedSecrets).values({ name: DEVICE_KEY, value: randomBytes(32).toString('base64'), createdAt: Date.now() }).onConflictDoNothing();
      const [stored] = await db.select({ value: sharedSecrets.value }).from(sharedSecrets).where(eq(sharedSecrets.name, DEVICE_KEY));
      return (key = Buffer.from(stored!.value, 'base64'));
    },
    lastSignInFrom: async (usernameKey, address) => first(await lastFrom.execute({ usernameKey, address }))?.lastAt,
    async rememberAddress(usernameKey, address, now) {
      // One transaction: a sign-in landing meanwhile cannot have its new address pruned by a
      // list of the latest read before it was written.
      await transaction(db, async (tx) => {
        await tx
          .insert(known)
          .values({ usernameKey, address, lastAt: now })
          .onConflictDoUpdate({ target: [known.usernameKey, known.address], set: { lastAt: now } });
        const latest = (
          await tx
            .select({ address: known.address })
            .from(known)
            .where(eq(known.usernameKey, usernameKey))
            .orderBy(desc(known.lastAt), desc(known.address))
            .limit(KNOWN_ADDRESSES_PER_ACCOUNT)
        ).map((row) => row.address);
        await tx
          .delete(known)
          .where(and(eq(known.usernameKey, usernameKey), or(notInArray(known.address, latest), lt(known.lastAt, now - KNOWN_ADDRESS_MS))));
      });
    },
  };
}
