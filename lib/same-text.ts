/**
 * Whether the text the tokens streamed is the server's final text. chat-ui trims the answer it
 * stores, so end spaces do not count; any other difference means the server re-ran a failed
 * backend call and streamed its first tokens again, and only the final text is right.
 */
export const sameAnswerText = (streamed: string, final: string): boolean =>
  streamed.trimEnd() === final.trimEnd();
