import { h2oModelIds } from '../h2o/models';

/** The models the emulated chat-ui server lists by default: H2O's three, then two short ids. */
export const chatUiModelIds: readonly string[] = [...h2oModelIds, 'llama3', 'mistral'];

/** One entry of `GET /api/models`, with the fields chat-ui v0.20 lists for a model. */
export const modelEntry = (id: string): Record<string, unknown> => ({
  id,
  name: id,
  websiteUrl: 'https://huggingface.co',
  modelUrl: 'https://huggingface.co',
  displayName: id,
  description: '',
  promptExamples: [],
  preprompt: '',
  multimodal: false,
  supportsTools: false,
  supportsReasoning: false,
  supportsArtifacts: false,
  unlisted: false,
  hasInferenceAPI: false,
});
