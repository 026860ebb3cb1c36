import { ChangeCache, ChangeNotifications } from './change-notifications.js';

/** A listener that listens, or not, as the test says. */
function listener(active = true): { active: boolean } {
  return { active };
}

/** A loader that counts its calls and the keys it was asked for. */
function counting<A extends unknown[], R>(answer: (...args: A) => Promise<R>) {
  const calls: A[] = [];
  const load = (...args: A) => {
    calls.push(args);
    return answer(...args);
  };
  return Object.assign(load, { calls });
}

function cacheOf<V>(state: { active: boolean }, max = 3, changeKey?: (value: V) => string) {
  return new ChangeCache<V>(state as ChangeNotifications, { max, ttlMs: 60_000, changeKey });
}

describe('ChangeCache', () => {
  it('loads a key once and answers from memory until a change names it', async () => {
    const cache = cacheOf<string>(listener());
    const load = counting(async () => 'TMZ');
    expect(await cache.get('k', load)).toBe('TMZ');
    expect(await cache.get('k', load)).toBe('TMZ');
    expect(load.calls.length).toBe(1);
    cache.forget('k');
    expect(await cache.get('k', load)).toBe('TMZ');
    expect(load.calls.length).toBe(2);
  });

  it('keeps nothing that was not found', async () => {
    const cache = cacheOf<string>(listener());
    const load = counting(async () => undefined);
    await cache.get('k', load);
    await cache.get('k', load);
    expect(load.calls.length).toBe(2);
  });

  it('does not keep what it read while a change was notified', async () => {
    const cache = cacheOf<string>(listener());
    let release!: (value: string) => void;
    const reading = cache.get('k', () => new Promise((resolve) => (release = resolve)));
    cache.forget('k'); // the change commits while the old value is on its way
    release('old');
    expect(await reading).toBe('old');
    expect(await cache.get('k', async () => 'new')).toBe('new');
  });

  it('reads the database and keeps nothing while the listener is away', async () => {
    const state = listener(false);
    const cache = cacheOf<string>(state);
    const load = counting(async () => 'v');
    await cache.get('k', load);
    state.active = true;
    await cache.get('k', load);
    expect(load.calls.length).toBe(2);
    state.active = false;
    await cache.get('k', load); // kept, but not trusted
    expect(load.calls.length).toBe(3);
  });

  it('loads only the keys it does not hold, in one call', async () => {
    const cache = cacheOf<number>(listener(), 10);
    const load = counting(async (keys: string[]) => new Map(keys.map((k) => [k, k.length])));
    await cache.getMany(['a', 'bb'], load);
    const found = await cache.getMany(['a', 'bb', 'ccc', 'ccc'], load);
    expect([...found].sort()).toEqual([
      ['a', 1],
      ['bb', 2],
      ['ccc', 3],
    ]);
    expect(load.calls).toEqual([[['a', 'bb']], [['ccc']]]);
  });

  it('holds at most `max` entries, dropping the oldest', async () => {
    const cache = cacheOf<string>(listener(), 2);
    const load = counting(async () => 'v');
    for (const key of ['a', 'b', 'c']) await cache.get(key, load);
    await cache.get('c', load);
    await cache.get('b', load);
    expect(load.calls.length).toBe(3);
    await cache.get('a', load);
    expect(load.calls.length).toBe(4);
  });

  it('forgets by the key a change names when it is not the lookup key (a user by id)', async () => {
    const cache = cacheOf<{ id: string }>(listener(), 10, (user) => user.id);
    const load = counting(async () => ({ id: 'u1' }));
    await cache.get('hash-1', load);
    cache.forget('u2');
    await cache.get('hash-1', load);
    expect(load.calls.length).toBe(1);
    cache.forget('u1');
    await cache.get('hash-1', load);
    expect(load.calls.length).toBe(2);
  });
});
