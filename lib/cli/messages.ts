import { readFileSync } from 'node:fs';
import type { Message } from '../index';
import type { Values } from './args';
import { UsageError } from './usage';

const readStdin = async (): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const readMessagesFile = (file: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new UsageError(`--messages ${file}: cannot read it (${why})`);
  }
};

/** The messages to send: --system, then --messages, then the PROMPT ("-": stdin). */
export const messagesOf = async (
  values: Values,
  prompt: string | undefined,
): Promise<Message[]> => {
  const messages: Message[] = [];
  if (values.system !== undefined) messages.push({ role: 'system', content: values.system });
  if (values.messages !== undefined) {
    const text = values.messages === '-' ? await readStdin() : readMessagesFile(values.messages);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new UsageError(`--messages ${values.messages}: not JSON`);
    }
    if (!Array.isArray(parsed)) throw new UsageError(`--messages ${values.messages}: not an array`);
    messages.push(...(parsed as Message[]));
  }
  if (prompt !== undefined) {
    const content = prompt === '-' ? (await readStdin()).replace(/\n$/, '') : prompt;
    if (content.trim() === '') {
      throw new UsageError(prompt === '-' ? 'the prompt on stdin is empty' : 'the PROMPT is empty');
    }
    messages.push({ role: 'user', content });
  }
  if (messages.every((m) => m.role !== 'user')) {
    throw new UsageError('give a PROMPT (quote it), "-" to read it from stdin, or --messages');
  }
  return messages;
};
