/**
 * Who may search what. The search area decides nothing about spoilers (the annotations area's
 * gate does, through `present.ts`); it only decides who may ask.
 */
import { clubCan, type ClubAccess } from '../clubs';

export type SearchAction = 'searchClub' | 'searchLibrary';

/**
 * - `searchClub`: whoever may see the club (members; anyone for a public club) — what they
 *   get back is decided per item by the gate;
 * - `searchLibrary`: the site administrator, over every edition's text (no club, no gate).
 */
export function searchCan(actor: { access?: ClubAccess | null; isAdmin?: boolean }, action: SearchAction): boolean {
  if (action === 'searchLibrary') return actor.isAdmin === true;
  return clubCan(actor.access ?? null, 'view');
}
