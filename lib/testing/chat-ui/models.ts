import { h2oModelIds } from '../h2o/models';
import type { EmulatorChatUiModel } from '../types';

/** The emulated chat-ui's reasoning model (`supportsReasoning`): it thinks before it answers. */
export const REASONING_MODEL_ID = 'reasoner';
/** The emulated chat-ui's tool-calling model (`supportsTools`): it calls an MCP tool first. */
export const TOOL_MODEL_ID = 'tool-caller';
/** The emulated chat-ui's multimodal model (`multimodal`, images accepted). */
export const VISION_MODEL_ID = 'vision';

/** A model of the emulated chat-ui server and what it can do. */
export interface ChatUiModel {
  id: string;
  multimodal: boolean;
  multimodalAcceptedMimetypes?: string[];
  supportsTools: boolean;
  supportsReasoning: boolean;
}

const plain = (id: string): ChatUiModel => ({
  id,
  multimodal: false,
  supportsTools: false,
  supportsReasoning: false,
});

// chat-ui gives an image-input model of the router exactly ["image/*"] (models.ts).
const capable: Record<string, ChatUiModel> = {
  [REASONING_MODEL_ID]: { ...plain(REASONING_MODEL_ID), supportsReasoning: true },
  [TOOL_MODEL_ID]: { ...plain(TOOL_MODEL_ID), supportsTools: true },
  [VISION_MODEL_ID]: {
    ...plain(VISION_MODEL_ID),
    multimodal: true,
    multimodalAcceptedMimetypes: ['image/*'],
  },
};

/**
 * The models the emulated chat-ui server lists by default: H2O's three, two short ids, then
 * the reasoning, tool-calling and multimodal models.
 */
export const chatUiModelIds: readonly string[] = [
  ...h2oModelIds,
  'llama3',
  'mistral',
  REASONING_MODEL_ID,
  TOOL_MODEL_ID,
  VISION_MODEL_ID,
];

/**
 * A `chatUi.models` entry as a model: an id alone is plain, unless it is one of the capable
 * default ids (then it keeps their capabilities); an object says what it can do.
 */
export const chatUiModel = (entry: string | EmulatorChatUiModel): ChatUiModel => {
  if (typeof entry === 'string') return capable[entry] ?? plain(entry);
  const types = entry.multimodalAcceptedMimetypes;
  return {
    id: entry.id,
    multimodal: entry.multimodal === true,
    ...(types === undefined ? {} : { multimodalAcceptedMimetypes: [...types] }),
    supportsTools: entry.supportsTools === true,
    supportsReasoning: entry.supportsReasoning === true,
  };
};

/**
 * One entry of `GET /api/models`, with the fields chat-ui v0.20 lists for a model there (plain
 * JSON, defaults filled in, no `multimodalAcceptedMimetypes`: that route does not list it).
 */
export const modelEntry = (model: ChatUiModel): Record<string, unknown> => ({
  id: model.id,
  name: model.id,
  websiteUrl: 'https://huggingface.co',
  modelUrl: 'https://huggingface.co',
  displayName: model.id,
  description: '',
  promptExamples: [],
  preprompt: '',
  multimodal: model.multimodal,
  supportsTools: model.supportsTools,
  supportsReasoning: model.supportsReasoning,
  supportsArtifacts: false,
  unlisted: false,
  hasInferenceAPI: false,
});

/**
 * One entry of `GET /api/v2/models` (superjson), as chat-ui v0.20's `serializeModelSummary`
 * lists a model of an OpenAI-compatible backend: what the backend does not say is undefined.
 */
export const modelSummary = (model: ChatUiModel): Record<string, unknown> => ({
  id: model.id,
  name: model.id,
  websiteUrl: undefined,
  modelUrl: undefined,
  datasetName: undefined,
  datasetUrl: undefined,
  displayName: model.id,
  description: undefined,
  logoUrl: undefined,
  promptExamples: undefined,
  preprompt: '',
  multimodal: model.multimodal,
  multimodalAcceptedMimetypes: model.multimodalAcceptedMimetypes,
  supportsTools: model.supportsTools,
  supportsReasoning: model.supportsReasoning,
  supportsArtifacts: false,
  unlisted: false,
  hasInferenceAPI: false,
  isRouter: false,
});
