import { createEventDecoder } from '../../lib/stream/frames';

const payloadsOf = (lines: string[]): string[] => {
  const out: string[] = [];
  const decoder = createEventDecoder((p) => out.push(p));
  lines.forEach((l) => decoder.line(l));
  decoder.end();
  return out;
};

describe('createEventDecoder', () => {
  it('reads data with and without a space after the colon', () => {
    expect(payloadsOf(['data:{"a":1}', '', 'data: {"b":2}', ''])).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('skips comments, other fields and extra blank lines', () => {
    const lines = [': keep-alive', '', 'event: message', 'id: 7', 'data:x', '', '', 'retry: 5'];
    expect(payloadsOf(lines)).toEqual(['x']);
  });

  it('joins multi-line data with a newline', () => {
    expect(payloadsOf(['data:a', 'data: b', ''])).toEqual(['a\nb']);
  });

  it('matches data: only at the start of a line', () => {
    expect(payloadsOf([': x', ' data:no', 'text data:no', 'data:yes', ''])).toEqual(['yes']);
  });

  it('dispatches the last event even without its blank line', () => {
    expect(payloadsOf(['data:last'])).toEqual(['last']);
  });

  it('reads NDJSON when the first non-blank line is a JSON object', () => {
    const spaces = ' '.repeat(4096);
    expect(payloadsOf(['', '{"type":"a"}', '', `${spaces}{"type":"b"}`])).toEqual([
      '{"type":"a"}',
      `${spaces}{"type":"b"}`,
    ]);
  });

  it('refuses an HTML page where the stream should be', () => {
    expect(() => payloadsOf(['', '<!DOCTYPE html>', '<p>Sign in</p>'])).toThrow(
      expect.objectContaining({ reason: 'unexpected-response' }),
    );
  });
});
