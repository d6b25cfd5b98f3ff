/**
 * The `general.architecture` values the llama.cpp that node-llama-cpp 3.21.1 bundles can load
 * (node-llama-cpp's GgufArchitectureType, which mirrors llama.cpp's LLM_ARCH names), and the ones
 * among them that are not language models QuantLens can score. A file of any other architecture
 * is named as unsupported at discovery instead of failing later inside the native loader.
 */
export const NODE_LLAMA_CPP_VERSION = '3.21.1';

export const LLAMA_CPP_ARCHITECTURES: ReadonlySet<string> = new Set([
  'llama', 'llama4', 'deci', 'falcon', 'grok', 'gpt2', 'gptj', 'gptneox', 'mpt', 'baichuan', 'starcoder', 'refact', 'bert',
  'modern-bert', 'nomic-bert', 'nomic-bert-moe', 'neo-bert', 'jina-bert-v2', 'jina-bert-v3', 'eurobert', 'bloom',
  'stablelm', 'qwen', 'qwen2', 'qwen2moe', 'qwen2vl', 'qwen3', 'qwen3moe', 'qwen3next', 'qwen3vl', 'qwen3vlmoe', 'qwen35',
  'qwen35moe', 'phi2', 'phi3', 'phimoe', 'plamo', 'plamo2', 'plamo3', 'codeshell', 'orion', 'internlm2', 'minicpm',
  'minicpm3', 'gemma', 'gemma2', 'gemma3', 'gemma3n', 'gemma4', 'gemma4-assistant', 'gemma-embedding', 'starcoder2',
  'mamba', 'mamba2', 'jamba', 'falcon-h1', 'xverse', 'command-r', 'cohere2', 'cohere2moe', 'dbrx', 'olmo', 'olmo2',
  'olmoe', 'muse-glimmer', 'openelm', 'arctic', 'deepseek', 'deepseek2', 'deepseek2-ocr', 'deepseek32', 'deepseek4',
  'chatglm', 'glm4', 'glm4moe', 'glm-dsa', 'bitnet', 't5', 't5encoder', 'jais', 'jais2', 'nemotron', 'nemotron_h',
  'nemotron_h_moe', 'exaone', 'exaone4', 'exaone-moe', 'rwkv6', 'rwkv6qwen2', 'rwkv7', 'arwkv7', 'granite', 'granitemoe',
  'granitehybrid', 'graniteswitch', 'chameleon', 'wavtokenizer-dec', 'plm', 'bailingmoe', 'bailingmoe2', 'dots1',
  'arcee', 'afmoe', 'laguna', 'ernie4_5', 'ernie4_5-moe', 'hunyuan-moe', 'hunyuan-dense', 'hunyuan_vl', 'hy_v3',
  'smollm3', 'gpt-oss', 'lfm2', 'lfm2moe', 'dream', 'smallthinker', 'llada', 'llada-moe', 'seed_oss', 'grovemoe',
  'apertus', 'minimax-m2', 'minimax-m3', 'cogvlm', 'rnd1', 'pangu-embedded', 'mistral3', 'eagle3', 'dflash', 'mistral4',
  'paddleocr', 'mimo2', 'step35', 'llama-embed', 'maincoder', 'kimi-linear', 'talkie', 'mellum', 'nanbeige', 'qwen3tts',
]);

/** Architectures llama.cpp knows but that give no next-token distribution to compare, and why. */
export const NOT_SCORABLE: Readonly<Record<string, string>> = {
  clip: 'a multimodal projector (mmproj), which llama.cpp loads beside a language model, never as one',
  'wavtokenizer-dec': 'an audio codec decoder, not a language model',
  bert: 'an embedding model (sentence vectors, no next-token distribution)',
  'modern-bert': 'an embedding model (sentence vectors, no next-token distribution)',
  'nomic-bert': 'an embedding model (sentence vectors, no next-token distribution)',
  'nomic-bert-moe': 'an embedding model (sentence vectors, no next-token distribution)',
  'neo-bert': 'an embedding model (sentence vectors, no next-token distribution)',
  'jina-bert-v2': 'an embedding model (sentence vectors, no next-token distribution)',
  'jina-bert-v3': 'an embedding model (sentence vectors, no next-token distribution)',
  eurobert: 'an embedding model (sentence vectors, no next-token distribution)',
  'gemma-embedding': 'an embedding model (sentence vectors, no next-token distribution)',
  'llama-embed': 'an embedding model (sentence vectors, no next-token distribution)',
  t5encoder: 'an encoder only (no decoder to predict tokens)',
  eagle3: 'a speculative-decoding draft head, loaded beside its target model',
  dflash: 'a speculative-decoding draft head, loaded beside its target model',
};
