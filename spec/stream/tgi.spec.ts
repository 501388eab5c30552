import { H2oProtocolError } from '../../lib/errors';
import type { TokenEvent } from '../../lib/events';
import { readTgiEvent } from '../../lib/stream/tgi';

const read = (payload: string) => {
  const tokens: TokenEvent[] = [];
  const finals: string[] = [];
  readTgiEvent(payload, {
    token: (t) => tokens.push(t),
    final: (f) => finals.push(f),
    update: () => undefined,
  });
  return { tokens, finals };
};

const event = (text: string, special = false, final: string | null = null) =>
  JSON.stringify({
    token: { id: 5, text, logprob: -0.5, special },
    generated_text: final,
    details: null,
  });

describe('readTgiEvent', () => {
  it('emits an ordinary token with its metadata', () => {
    expect(read(event(' Hello')).tokens).toEqual([
      { type: 'token', text: ' Hello', id: 5, logprob: -0.5, special: false },
    ]);
  });

  it('skips empty tokens, and marks special ones mid-stream (the stream step drops them)', () => {
    expect(read(event('')).tokens).toEqual([]);
    expect(read(event('<s>', true)).tokens).toEqual([
      { type: 'token', text: '<s>', id: 5, logprob: -0.5, special: true },
    ]);
  });

  it('reads the final event: the special end token is not text', () => {
    expect(read(event('<|endoftext|>', true, 'Hi!'))).toEqual({ tokens: [], finals: ['Hi!'] });
  });

  it('emits the final event ordinary token before the final text (stop on length)', () => {
    const { tokens, finals } = read(event(' end', false, 'the end'));
    expect(tokens.map((t) => t.text)).toEqual([' end']);
    expect(finals).toEqual(['the end']);
  });

  it('turns an in-band error into server-error with its error_type', () => {
    const payload =
      '{"error":"Request failed during generation: CUDA OOM","error_type":"generation"}';
    expect(() => read(payload)).toThrow(H2oProtocolError);
    try {
      read(payload);
    } catch (err) {
      const e = err as H2oProtocolError;
      expect([e.reason, e.errorType, e.step]).toEqual(['server-error', 'generation', 'stream']);
      expect(e.detail).toContain('CUDA OOM');
    }
  });

  it.each(['{"token":', 'null', '42', '"x"', '{}'])('refuses %s as malformed', (payload) => {
    try {
      read(payload);
      throw new Error('no error');
    } catch (err) {
      expect(err).toBeInstanceOf(H2oProtocolError);
      expect((err as H2oProtocolError).reason).toBe('malformed');
    }
  });
});
