/** Who said a message. */
export type Role = 'system' | 'user' | 'assistant';

/** One turn of the conversation sent to the model. */
export interface Message {
  /** Who said it. */
  role: Role;
  /** What was said. */
  content: string;
}

/**
 * The provider's prompt: each message as `role: content` on its own line, then `assistant:`,
 * so the model answers as the assistant.
 */
export const formatPrompt = (messages: readonly Message[]): string => {
  let prompt = '';
  for (const { role, content } of messages) prompt += `${role}: ${content}\n`;
  return prompt + 'assistant:';
};
