import { describe, expect, it } from 'vitest';
import { InProcessEventBus, type DomainEvent } from '../../../src/events';
import { invalidateOnEvents, PersonalPageCache } from '../../../src/http/page-cache';

const joined: DomainEvent = { type: 'member.joined', actorId: 7, clubId: 3, userId: 7, via: 'invitation' };
const voted: DomainEvent = { type: 'poll.voted', actorId: 8, clubId: 3, pollId: 1, withdrawn: false };

describe('the in-process event bus', () => {
  it('delivers an event to the listeners of its type and of every type: those that keep memory first, then those that write, each in subscription order', async () => {
    const bus = new InProcessEventBus();
    const heard: string[] = [];
    bus.subscribe('*', (event) => void heard.push(`all:${event.type}`), 'every-process');
    bus.subscribe('member.joined', (event) => void heard.push(`joined:${event.userId}`), 'once');
    bus.subscribe('poll.voted', (event) => void heard.push(`voted:${event.pollId}`), 'every-process');
    bus.subscribe('*', (event) => void heard.push(`audit:${event.type}`), 'once');
    bus.subscribe('member.joined', (event) => void heard.push(`cache:${event.userId}`), 'every-process');
    await bus.publish(joined);
    await bus.publish(voted);
    expect(heard).toEqual(['cache:7', 'all:member.joined', 'joined:7', 'audit:member.joined', 'voted:1', 'all:poll.voted', 'audit:poll.voted']);
  });

  it('stops delivering after unsubscribe', async () => {
    const bus = new InProcessEventBus();
    let count = 0;
    const off = bus.subscribe('member.joined', () => void (count += 1), 'once');
    await bus.publish(joined);
    off();
    await bus.publish(joined);
    expect(count).toBe(1);
  });

  it('a listener that throws (or rejects) is reported and the others still hear the event', async () => {
    const errors: string[] = [];
    const bus = new InProcessEventBus((error, event) => errors.push(`${event.type}: ${(error as Error).message}`));
    let heard = 0;
    bus.subscribe(
      'member.joined',
      () => {
        throw new Error('boom');
      },
      'once',
    );
    bus.subscribe(
      'member.joined',
      async () => {
        await Promise.resolve();
        throw new Error('async boom');
      },
      'once',
    );
    bus.subscribe('member.joined', () => void (heard += 1), 'every-process');
    await expect(bus.publish(joined)).resolves.toBeUndefined();
    expect(heard).toBe(1);
    expect(errors).toEqual(['member.joined: boom', 'member.joined: async boom']);
  });

  it('awaits each listener before the next, and publish resolves once all have finished', async () => {
    const bus = new InProcessEventBus();
    const heard: string[] = [];
    bus.subscribe(
      'member.joined',
      async () => {
        heard.push('slow:start');
        await new Promise((resolve) => setTimeout(resolve, 5));
        heard.push('slow:end');
      },
      'once',
    );
    bus.subscribe('member.joined', () => void heard.push('next'), 'once');
    bus.subscribe('*', async () => void heard.push('all'), 'once');
    await bus.publish(joined);
    expect(heard).toEqual(['slow:start', 'slow:end', 'next', 'all']);
  });

  it('events carry ids and facts only, so they survive a trip through JSON (another process)', () => {
    const posted: DomainEvent = {
      type: 'comment.posted',
      actorId: 7,
      clubId: 3,
      readingId: 2,
      chapterId: 5,
      paragraphId: 40,
      commentId: 99,
      rootId: 99,
      parentId: null,
      authorId: 7,
      anchorPosition: 120,
      visibility: 'club',
    };
    expect(JSON.parse(JSON.stringify(posted))).toEqual(posted);
  });
});

describe('the page cache as a listener', () => {
  /** A cache listening to a bus, holding one page for reader 7 and two for reader 8 (one in another club). */
  function listeningCache() {
    const bus = new InProcessEventBus();
    const cache = new PersonalPageCache({ maxEntries: 10, othersStaleMs: 0, maxAgeMs: 60_000 });
    invalidateOnEvents(cache, bus);
    cache.set('mine', { userId: 7, clubId: 3 }, '<p>a</p>', 0);
    cache.set('theirs', { userId: 8, clubId: 3 }, '<p>b</p>', 0);
    cache.set('elsewhere', { userId: 8, clubId: 4 }, '<p>c</p>', 0);
    return { bus, cache };
  }

  it("retires the actor's pages at once and the club's pages for everyone", async () => {
    const { bus, cache } = listeningCache();
    await bus.publish(joined);
    expect(cache.get('mine', { userId: 7, clubId: 3 }, 1)).toBeUndefined();
    expect(cache.get('theirs', { userId: 8, clubId: 3 }, 1)).toBeUndefined();
    expect(cache.get('elsewhere', { userId: 8, clubId: 4 }, 1)).toBeDefined();
  });

  it("a reader's own settings retire only their pages", async () => {
    const { bus, cache } = listeningCache();
    await bus.publish({ type: 'reader.settings_changed', actorId: 7, clubId: null, userId: 7, what: 'font' });
    expect(cache.get('mine', { userId: 7, clubId: 3 }, 1)).toBeUndefined();
    expect(cache.get('theirs', { userId: 8, clubId: 3 }, 1)).toBeDefined();
  });
});
