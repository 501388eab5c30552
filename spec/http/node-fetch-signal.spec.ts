import { nodeFetchController } from '../../lib/http/node-fetch-signal';

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
