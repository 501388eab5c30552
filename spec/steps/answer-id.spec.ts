import { tipIn } from '../../lib/steps/answer-id';

describe('tipIn', () => {
  const stored = {
    messages: [
      { id: 'root', from: 'system' },
      { id: 'u1', from: 'user' },
      { id: 'a1', from: 'assistant', generationId: 'g1' },
    ],
  };
  it('finds the answer of a generation, else where its turn went, else the root', () => {
    expect(tipIn(stored, { generationId: 'g1', previous: { id: 'root' } }, 'root')).toBe('a1');
    expect(tipIn(stored, { generationId: 'g2', previous: { id: 'a1' } }, 'root')).toBe('a1');
    expect(
      tipIn(
        stored,
        { generationId: 'g3', previous: { generationId: 'g2', previous: { id: 'x' } } },
        'root',
      ),
    ).toBe('x');
    expect(
      tipIn(
        {},
        { generationId: 'g9', previous: { generationId: 'g8', previous: { id: 'root' } } },
        'r',
      ),
    ).toBe('root');
  });
});
