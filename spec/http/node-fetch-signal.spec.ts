import { controllerFor } from '../../lib/http/controllers';
import { createDefaultFetch } from '../../lib/http/default-fetch';
import { nodeFetchController, takesLightSignal } from '../../lib/http/node-fetch-signal';

describe('nodeFetchController', () => {
  it('calls each abort listener still added, once, however often it is aborted', () => {
    const { signal, abort } = nodeFetchController();
    const heard: string[] = [];
    const first = () => heard.push('first');
    const gone = () => heard.push('gone');
    const last = () => heard.push('last');
    signal.addEventListener('abort', first);
    signal.addEventListener('abort', gone);
    signal.addEventListener('abort', last);
    signal.removeEventListener('abort', gone);
    expect(signal.aborted).toBe(false);
    abort();
    abort();
    expect(signal.aborted).toBe(true);
    expect(heard).toEqual(['first', 'last']);
  });

  it('lets a listener remove itself while the abort runs (node-fetch does)', () => {
    const { signal, abort } = nodeFetchController();
    const heard: string[] = [];
    const removing = () => {
      heard.push('removing');
      signal.removeEventListener('abort', removing);
    };
    signal.addEventListener('abort', removing);
    signal.addEventListener('abort', () => heard.push('next'));
    abort();
    expect(heard).toEqual(['removing', 'next']);
  });

  it('is named AbortSignal, which node-fetch v2 checks for', () => {
    expect(Object.getPrototypeOf(nodeFetchController().signal).constructor.name).toBe(
      'AbortSignal',
    );
  });
});

describe('takesLightSignal', () => {
  it("is true of node-fetch v2's Request (cross-fetch in Node), false of one that refuses it", () => {
    const nodeFetch = jest.requireActual<{ Request: new (url: string, init: object) => unknown }>(
      'cross-fetch',
    );
    expect(takesLightSignal(nodeFetch.Request)).toBe(true);
    class Strict {
      constructor(_url: string, init: { signal: unknown }) {
        if (!(init.signal instanceof AbortSignal)) throw new TypeError('not an AbortSignal');
      }
    }
    expect(takesLightSignal(Strict)).toBe(false);
    expect(takesLightSignal(undefined)).toBe(false);
  });
});

describe('controllerFor', () => {
  it('gives the default Node fetch the light signal, any other fetch an AbortController', () => {
    const light = controllerFor({ fetch: createDefaultFetch() }).signal;
    expect(light).not.toBeInstanceOf(AbortSignal);
    expect(Object.getPrototypeOf(light).constructor.name).toBe('AbortSignal');
    const yours = controllerFor({ fetch: (input, init) => fetch(input, init) }).signal;
    expect(yours).toBeInstanceOf(AbortSignal);
  });
});
