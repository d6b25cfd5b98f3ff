/** Task files: parsing and validation with line numbers, and prompt rendering with few-shot examples. */
export { loadTaskFile, parseTaskFile, isTaskFileName, TaskFileError, DEFAULT_FEWSHOT_SEED, DEFAULT_MAX_NEW_TOKENS } from './loadTaskFile';
export type { TaskDefinition, TaskMetric, TaskGoal, TaskFileIssue } from './loadTaskFile';
export { renderPrompts, prepareTask } from './render';
export type { TaskPrompt, CodePrompt, MultipleChoicePrompt, GenerationPrompt, PerplexityPrompt, ChatMessage, ApplyChatTemplate, RenderOptions, PreparedTask } from './render';
