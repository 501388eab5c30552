import { timeout } from 'rxjs';
import {
  completion$,
  H2oHttpError,
  H2oNetworkError,
  H2oProtocolError,
  isRetryable,
} from '../../lib';
import type { EmulatorFault } from '../../lib/testing';
import { Emulator, startEmulator } from '../../lib/testing';
import { collect, hello, until } from '../helpers';

const reply = () => ['Hello', ',', ' world', '!'];
const steps = ['session', 'settings', 'conversation', 'stream'] as const;
type Step = (typeof steps)[number];

interface Expectation {
  cls: typeof H2oHttpError | typeof H2oProtocolError | typeof H2oNetworkError;
  status?: number;
  reason?: string;
  retryable: boolean;
}

// HTTP answers any step may give instead of its own, with the bodies real servers send.
const httpFaults: Array<[string, Omit<EmulatorFault, 'step'>, Expectation]> = [
  ['500 JSON', { status: 500 }, { cls: H2oHttpError, status: 500, retryable: true }],
  [
    '502 HTML from a proxy',
    { status: 502, body: '<html><body>Bad Gateway</body></html>', contentType: 'text/html' },
    { cls: H2oHttpError, status: 502, retryable: true },
  ],
  [
    '503 plain text',
    { status: 503, body: 'Service Unavailable', contentType: 'text/plain' },
    { cls: H2oHttpError, status: 503, retryable: true },
  ],
  ['504', { status: 504 }, { cls: H2oHttpError, status: 504, retryable: true }],
  [
    '403 CSRF (text)',
    { status: 403, body: 'Invalid referer for POST request', contentType: 'text/plain' },
    { cls: H2oHttpError, status: 403, retryable: false },
  ],
  ['404', { status: 404 }, { cls: H2oHttpError, status: 404, retryable: false }],
  ['405 before settings', { status: 405 }, { cls: H2oHttpError, status: 405, retryable: false }],
  ['410', { status: 410 }, { cls: H2oHttpError, status: 410, retryable: false }],
  ['422 TGI validation', { status: 422 }, { cls: H2oHttpError, status: 422, retryable: false }],
  ['429 without Retry-After', { status: 429 }, { cls: H2oHttpError, status: 429, retryable: true }],
  [
    '429 with Retry-After',
    { status: 429, headers: { 'retry-after': '3' } },
    { cls: H2oHttpError, status: 429, retryable: true },
  ],
  [
    '429 message quota before login',
    { status: 429, body: '{"error":"Exceeded number of messages before login"}' },
    { cls: H2oHttpError, status: 429, retryable: false },
  ],
  ['connection reset', { kind: 'reset' }, { cls: H2oNetworkError, retryable: true }],
];

// Faults inside the stream body, after two tokens.
const streamFaults: Array<[string, Omit<EmulatorFault, 'step'>, Expectation]> = [
  ['dropped mid-body', { kind: 'drop' }, { cls: H2oNetworkError, retryable: true }],
  ['backend dropped mid-body', { kind: 'backend-drop' }, { cls: H2oNetworkError, retryable: true }],
  [
    'malformed line',
    { kind: 'malformed' },
    { cls: H2oProtocolError, reason: 'malformed', retryable: false },
  ],
  [
    'in-band error event',
    { kind: 'error-event' },
    { cls: H2oProtocolError, reason: 'server-error', retryable: false },
  ],
  [
    'no final event',
    { kind: 'no-final' },
    { cls: H2oProtocolError, reason: 'truncated', retryable: true },
  ],
];

describe('fault matrix: every step × every fault', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ reply });
  });
  afterAll(() => emu.close());
  beforeEach(() => emu.reset());

  const expectFault = async (
    step: Step,
    fault: Omit<EmulatorFault, 'step'>,
    want: Expectation,
    tokensBefore: string[],
  ) => {
    emu.inject({ step, ...fault } as EmulatorFault);
    const { values, error } = await collect(completion$('falcon-40b', hello, { baseUrl: emu.url }));
    expect(values).toEqual(tokensBefore);
    expect(error).toBeInstanceOf(want.cls);
    const e = error as H2oHttpError & H2oProtocolError;
    expect(e.step).toBe(step);
    if (want.status !== undefined) expect(e.status).toBe(want.status);
    if (want.reason !== undefined) expect(e.reason).toBe(want.reason);
    if (fault.headers?.['retry-after']) expect(e.retryAfterMs).toBe(3000);
    expect(isRetryable(e)).toBe(want.retryable);
    // Nothing after the failed step, and no request left hanging.
    expect(emu.requests[emu.requests.length - 1].step).toBe(step);
    await until(() => emu.requests.every((r) => r.finished), 3000, 'all requests finished');
  };

  for (const step of steps) {
    describe(`at the ${step} step`, () => {
      it.each(httpFaults)('%s', async (_, fault, want) => {
        await expectFault(step, fault, want, []);
      });
    });
  }

  describe('inside the stream', () => {
    it.each(streamFaults)('%s, after the tokens before it', async (_, fault, want) => {
      await expectFault('stream', { ...fault, afterTokens: 2 }, want, ['Hello', ',']);
    });

    it('stalled: timeout ends it, and the socket is closed', async () => {
      emu.inject({ step: 'stream', kind: 'stall', afterTokens: 2 });
      const { values, error } = await collect(
        // The handshake may take long on a loaded machine: only the silence after the tokens
        // is the stall's, and it lasts for ever, so the timeout can be generous.
        completion$('falcon-40b', hello, { baseUrl: emu.url }).pipe(
          timeout({ first: 30_000, each: 1000 }),
        ),
      );
      expect(values).toEqual(['Hello', ',']);
      expect((error as Error).name).toBe('TimeoutError');
      expect(isRetryable(error)).toBe(true);
      const stream = emu.requests.find((r) => r.step === 'stream');
      await until(() => stream?.finished === true, 3000, 'stalled stream closed');
      expect(stream?.closedEarly).toBe(true);
    });
  });

  describe('an HTML page where JSON is expected', () => {
    it.each(['settings', 'conversation'] as const)(
      'at the %s step is unexpected-response',
      async (step) => {
        emu.inject({
          step,
          status: 200,
          body: '<!DOCTYPE html><html><body>login</body></html>',
          contentType: 'text/html',
        });
        const { error } = await collect(completion$('falcon-40b', hello, { baseUrl: emu.url }));
        expect(error).toBeInstanceOf(H2oProtocolError);
        expect(error).toMatchObject({ step, reason: 'unexpected-response' });
        expect(isRetryable(error)).toBe(false);
      },
    );
  });

  it('connection refused at the first step is a retryable H2oNetworkError', async () => {
    const closed = await startEmulator();
    const url = closed.url;
    await closed.close();
    const { error } = await collect(completion$('falcon-40b', hello, { baseUrl: url }));
    expect(error).toBeInstanceOf(H2oNetworkError);
    expect(error).toMatchObject({ step: 'session' });
    expect(isRetryable(error)).toBe(true);
  });
});
