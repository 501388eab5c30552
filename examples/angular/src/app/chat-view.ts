/** How a turn stands. */
export type TurnStatus = 'streaming' | 'done' | 'stopped' | 'error';

/** One question and its answer, as the page shows them. */
export interface TurnView {
  readonly question: string;
  /** The answer so far (from `h2oText`: the server's final text once it is done). */
  readonly answer: string;
  readonly status: TurnStatus;
  /** What went wrong, for a turn that failed. */
  readonly error?: string;
}

/** A chat as the page shows it. */
export interface ChatView {
  readonly turns: readonly TurnView[];
}

/** One change to the view. */
export type Change = (view: ChatView) => ChatView;

export const emptyChat: ChatView = { turns: [] };

const changeLast =
  (change: (turn: TurnView) => TurnView): Change =>
  (view) => {
    const last = view.turns.at(-1);
    return last ? { turns: [...view.turns.slice(0, -1), change(last)] } : view;
  };

/** A question asked: a new turn, its answer to come. */
export const asked =
  (question: string): Change =>
  (view) => ({ turns: [...view.turns, { question, answer: '', status: 'streaming' }] });

/** Regenerate: the last turn's answer starts again. */
export const regenerating: Change = changeLast(({ question }) => ({
  question,
  answer: '',
  status: 'streaming',
}));

/** The last answer so far. */
export const answered = (answer: string): Change => changeLast((turn) => ({ ...turn, answer }));

/** The last turn ended: done, stopped, or failed with `error`. */
export const ended = (status: Exclude<TurnStatus, 'streaming'>, error?: string): Change =>
  changeLast((turn) => ({ ...turn, status, ...(error === undefined ? {} : { error }) }));

/** Whether a turn is running. */
export const isBusy = (view: ChatView): boolean => view.turns.at(-1)?.status === 'streaming';
