import { H2oError, H2oHttpError, H2oInputError, H2oNetworkError, H2oProtocolError } from '../lib';

describe('error classes', () => {
  it('are Errors with a name, a step and their own fields', () => {
    const e = new H2oHttpError('settings', { status: 403, url: 'u', body: 'b' }, 'nope');
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(H2oError);
    expect(e).toBeInstanceOf(H2oHttpError);
    expect(e).not.toBeInstanceOf(H2oProtocolError);
    expect([e.name, e.step, e.status, e.url, e.body]).toEqual([
      'H2oHttpError',
      'settings',
      403,
      'u',
      'b',
    ]);
  });

  it('keep the cause of a network error', () => {
    const cause = new Error('ECONNRESET');
    const e = new H2oNetworkError('stream', cause);
    expect(e.cause).toBe(cause);
    expect(e.message).toContain('ECONNRESET');
  });

  it('are recognised by their brand, as another copy of the package would make them', () => {
    // What the other build of a dual package would throw: same brand, different class.
    const foreign = Object.assign(new Error('x'), { step: 'input' });
    Object.defineProperty(foreign, Symbol.for('h2o-rx.error-kinds'), {
      value: ['H2oInputError', 'H2oError'],
    });
    expect(foreign).toBeInstanceOf(H2oInputError);
    expect(foreign).toBeInstanceOf(H2oError);
    expect(foreign).not.toBeInstanceOf(H2oHttpError);
    expect(new Error('plain')).not.toBeInstanceOf(H2oError);
  });
});
