// A scripted chat-ui stream with every kind of update beside the text: reasoning (its status
// and text), a tool call that answers (with progress), one that fails, text around a file.
const call = { name: 'search', parameters: { query: 'rx' } };

/** The updates of the stream (strings are tokens), for `startResumeServer`. */
export const everyUpdate = [
  { type: 'reasoning', subtype: 'status', status: 'Thinking' },
  { type: 'reasoning', subtype: 'stream', token: 'Look ' },
  { type: 'reasoning', subtype: 'stream', token: 'it up.' },
  { type: 'tool', subtype: 'call', uuid: 'u1', call },
  { type: 'tool', subtype: 'progress', uuid: 'u1', progress: 1, total: 2 },
  {
    type: 'tool',
    subtype: 'result',
    uuid: 'u1',
    result: { status: 'success', call, outputs: [{ text: 'found' }], display: true },
  },
  { type: 'tool', subtype: 'call', uuid: 'u2', call },
  {
    type: 'tool',
    subtype: 'result',
    uuid: 'u2',
    result: { status: 'error', call, message: 'quota' },
  },
  'Here ',
  { type: 'file', name: 'chart.png', sha: 'f00d', mime: 'image/png' },
  'it is.',
  { type: 'finalAnswer', text: 'Here it is.', interrupted: false },
  { type: 'status', status: 'finished' },
];
