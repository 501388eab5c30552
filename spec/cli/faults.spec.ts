// The --fault grammar of `h2o-rx emulator` and `--emulator`.
import { parseFault } from '../../lib/cli/faults';

test('fault specs', () => {
  expect(parseFault('conversation:503x2')).toEqual({
    step: 'conversation',
    status: 503,
    times: 2,
  });
  expect(parseFault('stream:drop@3')).toEqual({ step: 'stream', kind: 'drop', afterTokens: 3 });
  expect(parseFault('session:reset')).toEqual({ step: 'session', kind: 'reset' });
  expect(parseFault('stream:backend-drop@1')).toEqual({
    step: 'stream',
    kind: 'backend-drop',
    afterTokens: 1,
  });
  expect(parseFault('resume:503')).toEqual({ step: 'resume', status: 503 });
  expect(parseFault('stream:error-event@0x3')).toEqual({
    step: 'stream',
    kind: 'error-event',
    afterTokens: 0,
    times: 3,
  });
  for (const bad of ['nope:503', 'stream:explode', 'stream', 'stream:50', 'stream:drop@x']) {
    expect(() => parseFault(bad)).toThrow(/--fault/);
  }
});
