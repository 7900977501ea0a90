// One chat message for a language model. The core builds these (diagnosis and thread prompts);
// the LLM port only carries them, so the type lives here and the port re-uses it.
export interface LlmMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}
