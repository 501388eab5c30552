import { defaultModel, models } from '../../models';

/** The models the emulated H2O server serves, its default first, as gpt-gm listed them. */
export const h2oModelIds: readonly string[] = [
  models[defaultModel],
  ...Object.values(models).filter((id) => id !== models[defaultModel]),
];

/** True when the server serves `id`. */
export const isServedModel = (id: unknown): id is string =>
  typeof id === 'string' && h2oModelIds.includes(id);
