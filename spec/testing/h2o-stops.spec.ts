import { createStops } from '../../lib/testing/h2o/stops';

// The 2023 server's stop records, on a clock the test moves.
const clock = () => {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
};

describe('the 2023 server’s stops', () => {
  it('lands at the server’s next read of its records, not at once', () => {
    const c = clock();
    const stops = createStops(1000, c.now);
    const startedAt = c.now();
    c.advance(300);
    stops.record('a');
    expect(stops.stops('a', startedAt)).toBe(false);
    c.advance(699);
    expect(stops.stops('a', startedAt)).toBe(false);
    c.advance(1);
    expect(stops.stops('a', startedAt)).toBe(true);
  });

  it('stops every generation of the conversation that began before it, and no other', () => {
    const c = clock();
    const stops = createStops(1000, c.now);
    const before = c.now();
    c.advance(10);
    const justBefore = c.now();
    c.advance(10);
    stops.record('a');
    c.advance(5);
    const after = c.now();
    c.advance(1000);
    expect([stops.stops('a', before), stops.stops('a', justBefore)]).toEqual([true, true]);
    expect(stops.stops('a', after)).toBe(false);
    expect(stops.stops('b', before)).toBe(false);
  });

  it('keeps the first stop’s time while stops come within 30 s: a second stop cuts nothing new', () => {
    const c = clock();
    const stops = createStops(1000, c.now);
    stops.record('a');
    c.advance(2000);
    const second = c.now();
    c.advance(10);
    stops.record('a');
    c.advance(2000);
    expect(stops.stops('a', second)).toBe(false);
    // 30 s without a stop and the record is gone; the next stop starts a new one.
    c.advance(30_000);
    const later = c.now();
    c.advance(10);
    stops.record('a');
    c.advance(1000);
    expect(stops.stops('a', later)).toBe(true);
  });

  it('reads at every token with checkMs 0', () => {
    const c = clock();
    const stops = createStops(0, c.now);
    const startedAt = c.now();
    c.advance(1);
    stops.record('a');
    expect(stops.stops('a', startedAt)).toBe(true);
  });
});
