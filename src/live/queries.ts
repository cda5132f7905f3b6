/** The live area's own reads: who of the readers on a page are members, and may be named. */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/connection';
import { memberships, users } from '../../db/schema';

/** Display names of the club's members among `userIds` who have not hidden their progress. */
export function namedMembers(db: Db, clubId: number, userIds: readonly number[]): string[] {
  if (userIds.length === 0) return [];
  return db
    .select({ name: users.displayName })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.clubId, clubId), inArray(memberships.userId, [...userIds]), eq(memberships.progressHidden, false)))
    .orderBy(users.displayName)
    .all()
    .map((row) => row.name);
}
