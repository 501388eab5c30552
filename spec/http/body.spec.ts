import { PassThrough, Readable } from 'node:stream';
import { H2oNetworkError } from '../../lib';
import { drainBody, readBody, readText } from '../../lib/http/body';

const bytes = (text: string) => Buffer.from(text, 'utf8');

// 'é' is two bytes and '😀' four (two UTF-16 units): cut between chunks, each must come out
// whole however the body is split.
const text = 'ab é 😀 cd';
const everySplit = (): Buffer[][] => {
  const all = bytes(text);
  return Array.from({ length: all.length - 1 }, (_, i) => [
    all.subarray(0, i + 1),
    all.subarray(i + 1),
  ]);
};

const body = (chunks: Buffer[]) => readBody(Readable.from(chunks), 'settings');

describe('readText', () => {
  it('decodes a body split anywhere, a character across two chunks included', async () => {
    for (const chunks of everySplit()) expect(await readText(body(chunks))).toBe(text);
  });

  it('cuts at maxChars, wherever the chunks split, and stops reading there', async () => {
    for (const max of [0, 1, 4, 6, 7, 9, 100]) {
      for (const chunks of everySplit()) {
        expect(await readText(body(chunks), max)).toBe(text.slice(0, max));
      }
    }
  });

  it('stops reading an endless body at maxChars and releases it', async () => {
    const endless = new Readable({ read: () => void endless.push(bytes('ééé')) });
    expect(await readText(readBody(endless, 'session'), 10)).toBe('éééééééééé');
    expect(endless.destroyed).toBe(true);
  });

  it('reads an empty body as empty text', async () => {
    expect(await readText(body([]))).toBe('');
    expect(await readText(readBody(null, 'session'))).toBe('');
  });
});

describe('readBody of a Node stream', () => {
  it('reports a failing body as an H2oNetworkError of its step', async () => {
    const failing = new PassThrough();
    failing.write(bytes('a'));
    const read = readText(readBody(failing, 'conversation'));
    failing.destroy(new Error('read ECONNRESET'));
    await expect(read).rejects.toBeInstanceOf(H2oNetworkError);
    await expect(read).rejects.toMatchObject({ step: 'conversation' });
  });

  it('a reader that stops early releases the stream', async () => {
    const stream = new PassThrough();
    stream.write(bytes('a'));
    const reader = readBody(stream, 'stream');
    for await (const chunk of reader.chunks) {
      expect(chunk).toEqual(bytes('a'));
      break;
    }
    expect(stream.destroyed).toBe(true);
  });

  it('has arrived once the writing side ended, though nothing was read yet', async () => {
    const stream = new PassThrough();
    const reader = readBody(stream, 'stream');
    stream.write(bytes('a'));
    expect(reader.arrived()).toBe(false);
    stream.end(bytes('b'));
    expect(reader.arrived()).toBe(true);
    await drainBody(reader);
  });
});
