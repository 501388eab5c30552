/** The model aliases h2o-rx knows, mapped to the ids the H2O server expects. */
export const models = {
  'falcon-7b': 'h2oai/h2ogpt-gm-oasst1-en-2048-falcon-7b-v3',
  'falcon-40b': 'h2oai/h2ogpt-gm-oasst1-en-2048-falcon-40b-v1',
  'llama-13b': 'h2oai/h2ogpt-gm-oasst1-en-2048-open-llama-13b',
} as const;

/** One of the short model names in {@link models}. */
export type ModelAlias = keyof typeof models;

/**
 * A model as `completion$` and `openSession` take it: one of the aliases, which editors
 * suggest, or any other id as a string (a full id containing `/`, or in dialect `chat-ui` the
 * server's own id such as `llama3`). `string & {}` keeps the aliases from being widened away.
 *
 * @example
 * const model: ModelId = 'falcon-40b'; // suggested
 * const other: ModelId = 'h2oai/h2ogpt-oasst1-512-12b'; // any id still type-checks
 */
export type ModelId = ModelAlias | (string & {});

/** The alias used when a caller names none (openSession's `activeModel`). */
export const defaultModel: ModelAlias = 'falcon-40b';

/** True when `name` is one of the aliases in {@link models}. */
export const isModelAlias = (name: string): name is ModelAlias =>
  Object.prototype.hasOwnProperty.call(models, name);

/** The id the server should see: an alias mapped, anything else as given. */
export const modelId = (name: string): string => (isModelAlias(name) ? models[name] : name);
