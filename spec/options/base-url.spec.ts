import { H2oInputError } from '../../lib';
import { resolveBaseUrl } from '../../lib/options';

describe('resolveBaseUrl, the same URL asked again', () => {
  it('answers each URL as when first asked, whatever came between', () => {
    const a = resolveBaseUrl('http://127.0.0.1:3000/chat//');
    expect(a).toEqual({ baseUrl: 'http://127.0.0.1:3000/chat', origin: 'http://127.0.0.1:3000' });
    // A caller that changes what it got changes nothing for the next one.
    a.baseUrl = 'changed';
    expect(resolveBaseUrl('http://127.0.0.1:3000/chat//').baseUrl).toBe(
      'http://127.0.0.1:3000/chat',
    );
    expect(resolveBaseUrl('https://h.example/')).toEqual({
      baseUrl: 'https://h.example',
      origin: 'https://h.example',
    });
    expect(resolveBaseUrl('http://127.0.0.1:3000/chat').origin).toBe('http://127.0.0.1:3000');
  });

  it('refuses a bad URL every time, after a good one too', () => {
    resolveBaseUrl('http://127.0.0.1:3000');
    for (let i = 0; i < 2; i++) {
      expect(() => resolveBaseUrl('ftp://127.0.0.1')).toThrow(H2oInputError);
      expect(() => resolveBaseUrl('http://user:pw@127.0.0.1')).toThrow(H2oInputError);
    }
    expect(resolveBaseUrl('http://127.0.0.1:3000').baseUrl).toBe('http://127.0.0.1:3000');
  });
});
