import type { UIMessage } from 'ai';
import { H2oInputError } from '../../lib';
import { filesOf } from '../../lib/ai-sdk/files';

const message = (parts: UIMessage['parts']): UIMessage => ({ id: 'm', role: 'user', parts });

describe('filesOf', () => {
  it('data: URLs (base64 or not) become named files with their bytes, in order', () => {
    const files = filesOf(
      message([
        { type: 'text', text: 'look' },
        {
          type: 'file',
          mediaType: 'image/png',
          filename: 'a.png',
          url: 'data:image/png;base64,AAEC/w==',
        },
        { type: 'file', mediaType: 'text/plain', url: 'data:text/plain,h%C3%A9' },
      ]),
    );
    expect(files).toEqual([
      { name: 'a.png', type: 'image/png', data: Uint8Array.from([0, 1, 2, 255]) },
      { name: 'file-2', type: 'text/plain', data: new TextEncoder().encode('hé') },
    ]);
  });

  it('a file part whose URL is not a data: URL is an H2oInputError', () => {
    expect(() =>
      filesOf(message([{ type: 'file', mediaType: 'image/png', url: 'https://x/a.png' }])),
    ).toThrow(H2oInputError);
  });

  it('no file parts: none', () => {
    expect(filesOf(message([{ type: 'text', text: 'hi' }]))).toEqual([]);
  });
});
