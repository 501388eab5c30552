import { models } from './models';
import { defaultBaseUrl } from './options';

/** What the provider is and takes, as the seed's module variables described it. */
export const provider = {
  name: 'H2o',
  url: defaultBaseUrl,
  models: Object.keys(models) as Array<keyof typeof models>,
  supportsStream: true,
  needsAuth: false,
  params:
    'h2o-rx.completion$: model: str, messages: list[dict[role: str, content: str]], ' +
    'stream: bool, temperature: float, truncate: int, maxNewTokens: int, doSample: bool, ' +
    'repetitionPenalty: float, returnFullText: bool, id: str, responseId: str, endToken: str',
} as const;
