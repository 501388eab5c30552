import { completion$, openSession } from '../../lib';
import { Emulator, startEmulator } from '../../lib/testing';
import { hello, ofStep, quiet, seen, until, unsubscribeWhen } from '../helpers';

const reply = () => Array.from({ length: 50 }, (_, i) => ` t${i}`);

describe('unsubscribing', () => {
  let emu: Emulator;
  afterEach(() => emu.close());

  it('mid-stream aborts the stream (the server sees it close) and sends stop-generating', async () => {
    emu = await startEmulator({ reply, tokenDelayMs: 10 });
    const { values } = await unsubscribeWhen(
      completion$('falcon-40b', hello, { baseUrl: emu.url }),
      (v) => v.length === 3,
    );
    expect(values).toEqual([' t0', ' t1', ' t2']);
    await until(() => ofStep(emu, 'stream')[0]?.finished === true, 3000, 'stream closed');
    expect(ofStep(emu, 'stream')[0].closedEarly).toBe(true);
    await quiet(emu);
    expect(seen(emu)).toEqual([
      'GET /',
      'POST /settings',
      'POST /conversation',
      'POST /conversation/:id',
      'POST /conversation/:id/stop-generating',
    ]);
  });

  it.each(['session', 'settings', 'conversation'] as const)(
    'during the %s step aborts that request and sends nothing further',
    async (step) => {
      emu = await startEmulator({ reply, latencyMs: 300 });
      const sub = completion$('falcon-40b', hello, { baseUrl: emu.url }).subscribe();
      await until(() => ofStep(emu, step).length === 1, 3000, `${step} request`);
      sub.unsubscribe();
      await until(() => ofStep(emu, step)[0].finished, 3000, `${step} closed`);
      expect(ofStep(emu, step)[0].closedEarly).toBe(true);
      // No next step can start on an answer that never came; quiet() covers a stray stop.
      await quiet(emu);
      expect(emu.requests[emu.requests.length - 1].step).toBe(step);
      expect(ofStep(emu, 'stop')).toHaveLength(0);
    },
  );

  it('before the stream answers still tells the server to stop', async () => {
    emu = await startEmulator({ reply });
    emu.inject({ step: 'stream', kind: 'stall', afterTokens: 0 });
    const sub = completion$('falcon-40b', hello, { baseUrl: emu.url }).subscribe();
    await until(() => ofStep(emu, 'stream').length === 1, 3000, 'stream request');
    sub.unsubscribe();
    await until(() => ofStep(emu, 'stop').length === 1, 3000, 'stop-generating');
    await until(() => ofStep(emu, 'stream')[0].finished, 3000, 'stream closed');
    expect(ofStep(emu, 'stream')[0].closedEarly).toBe(true);
  });

  it('an openSession in flight aborts it', async () => {
    emu = await startEmulator({ reply, latencyMs: 300 });
    const sub = openSession({ baseUrl: emu.url }).subscribe();
    await until(() => emu.requests.length === 1, 3000, 'GET /');
    sub.unsubscribe();
    await until(() => emu.requests[0].finished, 3000, 'GET / closed');
    expect(emu.requests[0].closedEarly).toBe(true);
    await quiet(emu);
    expect(emu.requests).toHaveLength(1);
  });

  it('leaves no connection open on the server once settled', async () => {
    emu = await startEmulator({ reply, tokenDelayMs: 5 });
    for (let i = 0; i < 5; i++) {
      await unsubscribeWhen(
        completion$('falcon-40b', hello, { baseUrl: emu.url }),
        (v) => v.length === i + 1,
      );
    }
    await until(() => ofStep(emu, 'stop').length === 5, 3000, 'five stops');
    await until(() => emu.requests.every((r) => r.finished), 3000, 'all finished');
    expect(ofStep(emu, 'stream').every((r) => r.closedEarly)).toBe(true);
  });
});
