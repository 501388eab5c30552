import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unflatten } from '../../lib/steps/devalue';
import { chatUiAnswerId, chatUiBranch, h2oDataMessages } from '../../lib/steps/history';
import { parseSuperjson } from '../../lib/steps/root-message';
import { parseTranscript } from '../testing/helpers/transcripts';

// The JSON body of a vendored real-server transcript.
const bodyOf = (dir: string, stem: string): Record<string, unknown> => {
  const raw = readFileSync(join(__dirname, '..', 'fixtures', dir, `${stem}.raw`), 'latin1');
  return JSON.parse(parseTranscript(stem, raw).response.body) as Record<string, unknown>;
};

describe('history reads', () => {
  it('decodes the 2023 __data.json (devalue) of transcript 10g', () => {
    const messages = h2oDataMessages(
      bodyOf('transcripts', '10g-data-json-invalidated-after-turn2'),
    );
    expect(messages.map((m) => [m.role, m.content.slice(0, 30), m.id])).toEqual([
      ['user', 'What is the capital of France?', '0b4c0fd9-3fe3-4ca2-a15c-55ef6e203073'],
      ['assistant', 'Echo from falcon-40b: What is ', '01aa8c2f-681d-421d-9ca0-84a6af160aae'],
      ['user', 'And the capital of Germany?', 'eeee6199-a14f-4249-acce-2d070bff438e'],
      ['assistant', 'Echo from falcon-40b: And the ', '38422ea6-9792-4ab9-88ee-2682d2cf1e03'],
    ]);
  });

  it('reads the page node when the layout node comes too (transcript 10e)', () => {
    const messages = h2oDataMessages(bodyOf('transcripts', '10e-data-json-after-turn1'));
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  });

  it('devalue: shared references, specials and dates', () => {
    expect(
      unflatten([{ a: 1, b: 1, c: -1, d: 2 }, [3], ['Date', '2026-01-01T00:00:00.000Z'], 'x']),
    ).toEqual({
      a: ['x'],
      b: ['x'],
      c: undefined,
      d: '2026-01-01T00:00:00.000Z',
    });
    const cyclic = unflatten([{ self: 0 }]) as { self: unknown };
    expect(cyclic.self).toBe(cyclic);
  });

  it("follows chat-ui's last child from the root (transcript 07b: a regenerated answer)", () => {
    const conversation = parseSuperjson(
      bodyOf('transcripts-chat-ui', '07b-get-api-v2-after-regenerate'),
    );
    const branch = chatUiBranch(conversation!);
    expect(branch.map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
    const all = conversation!.messages as Array<{ id: string; children: string[] }>;
    const lastAnswer = branch.at(-1)!;
    const parent = all.find((m) => m.children.includes(lastAnswer.id!))!;
    // The newest of the siblings.
    expect(parent.children.at(-1)).toBe(lastAnswer.id);
    expect(parent.children.length).toBeGreaterThan(1);
  });

  it('finds the answer by the generationId the client sent (transcript 06c)', () => {
    const conversation = parseSuperjson(
      bodyOf('transcripts-chat-ui', '06c-get-api-v2-after-turn1'),
    )!;
    expect(chatUiAnswerId(conversation, 'f652bd46-dac3-4de5-910a-bb3a1a0e5ebd')).toBe(
      '7aed8151-62a7-4b7b-b6e3-be723bdd1fef',
    );
    expect(chatUiAnswerId(conversation, 'other')).toBeUndefined();
  });
});
