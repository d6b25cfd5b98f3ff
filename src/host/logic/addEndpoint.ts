import { normalize } from 'node:path';
import { checkBaseUrl, ConfiguredEndpoint, ENDPOINT_NAME, EndpointSettingEntry, resolveEndpointSettings, settingEntry } from './endpointSettings';
import { secretKeyOf, SecretStore } from './endpointKeys';

/**
 * "QuantLens: Add Endpoint" and "Remove Endpoint" as plain steps over small interfaces: the vscode
 * adapter (src/host/endpointCommands.ts) gives input boxes, a quick pick, the workspace setting and
 * SecretStorage; tests give fakes. The key goes to SecretStorage only: the setting entry holds the
 * name, the URL, the model folder and (optionally) the served model id.
 */

/** A model folder the user can attach an endpoint to. */
export interface ModelChoice {
  path: string;
  name: string;
  /** As written into the setting (workspace-relative where the folder is in the workspace). */
  relativePath: string;
  variantIds: string[];
}

/** The prompts, each resolving to undefined when dismissed. `validate` returns the message to show, or undefined. */
export interface AddEndpointUi {
  askBaseUrl(validate: (value: string) => string | undefined): Promise<string | undefined>;
  pickModel(models: readonly ModelChoice[]): Promise<ModelChoice | undefined>;
  askName(suggestion: string, validate: (value: string) => string | undefined): Promise<string | undefined>;
  /** Empty: the one model the server lists. */
  askServedModel(): Promise<string | undefined>;
  /** Empty: the server needs no key. */
  askApiKey(): Promise<string | undefined>;
}

export interface EndpointSettingStore {
  /** The entries of the scope Add Endpoint writes (the workspace), as they are: unknown entries are kept untouched. */
  readWorkspace(): unknown;
  /** Every entry in effect (user and workspace), to refuse a name already used for the model folder. */
  readEffective(): unknown;
  writeWorkspace(entries: unknown[]): PromiseLike<void>;
}

export interface AddEndpointDeps {
  ui: AddEndpointUi;
  models: readonly ModelChoice[];
  settings: EndpointSettingStore;
  secrets: SecretStore;
}

/** Runs the steps; returns the entry written, or undefined when the user dismissed a step. */
export async function addEndpoint({ ui, models, settings, secrets }: AddEndpointDeps): Promise<EndpointSettingEntry | undefined> {
  if (models.length === 0) throw new Error('No model folder found in this workspace: an endpoint is compared with a local model folder (its baseline). Open a folder with config.json, tokenizer.json and an .onnx baseline first.');
  const urlAnswer = await ui.askBaseUrl((value) => {
    const checked = checkBaseUrl(value);
    return typeof checked === 'string' ? undefined : checked.problem;
  });
  if (urlAnswer === undefined) return undefined;
  const baseUrl = checkBaseUrl(urlAnswer);
  if (typeof baseUrl !== 'string') throw new Error(baseUrl.problem);

  const model = models.length === 1 ? models[0] : await ui.pickModel(models);
  if (!model) return undefined;

  const taken = resolveEndpointSettings(settings.readEffective()).endpoints.filter((e) => sameFolder(e, model));
  const validateName = (value: string): string | undefined => {
    const name = value.trim();
    if (!ENDPOINT_NAME.test(name)) return 'Letters, digits, ".", "_" and "-" only (at most 64), starting with a letter or digit.';
    if (model.variantIds.includes(name)) return `"${name}" is a local variant of ${model.name}; pick another name.`;
    if (taken.some((e) => e.name === name)) return `An endpoint named "${name}" already exists for ${model.name}; remove it first or pick another name.`;
    return undefined;
  };
  const nameAnswer = await ui.askName(suggestName(baseUrl, model, taken), validateName);
  if (nameAnswer === undefined) return undefined;
  const name = nameAnswer.trim();
  const invalid = validateName(name);
  if (invalid) throw new Error(invalid);

  const servedModel = await ui.askServedModel();
  if (servedModel === undefined) return undefined;
  const apiKey = await ui.askApiKey();
  if (apiKey === undefined) return undefined;

  const entry = settingEntry({ name, baseUrl, model: servedModel.trim() || undefined, modelFolder: model.relativePath });
  const secretKey = secretKeyOf({ name, baseUrls: [baseUrl] });
  // The key first: an entry written without its key would be evaluated unauthenticated.
  // No key given: any key left under this name and host from an earlier endpoint must not be sent.
  if (apiKey.trim()) await secrets.store(secretKey, apiKey.trim());
  else await secrets.delete(secretKey);
  const current = settings.readWorkspace();
  await settings.writeWorkspace([...(Array.isArray(current) ? current : []), entry]);
  return entry;
}

/**
 * Removes the entry (by name and model folder) from the workspace setting and deletes its stored
 * key. Returns false, touching nothing, when the workspace setting has no such entry (it is in the user settings).
 */
export async function removeEndpoint(endpoint: Pick<ConfiguredEndpoint, 'name' | 'modelFolder' | 'baseUrls'>, settings: EndpointSettingStore, secrets: SecretStore): Promise<boolean> {
  const current = settings.readWorkspace();
  if (!Array.isArray(current)) return false;
  const kept = current.filter((entry) => !(isObject(entry) && typeof entry.name === 'string' && entry.name.trim() === endpoint.name && typeof entry.modelFolder === 'string' && entry.modelFolder.trim() === endpoint.modelFolder));
  if (kept.length === current.length) return false;
  await settings.writeWorkspace(kept);
  await secrets.delete(secretKeyOf(endpoint));
  return true;
}

function sameFolder(endpoint: ConfiguredEndpoint, model: ModelChoice): boolean {
  const folder = tidy(endpoint.modelFolder);
  return folder === tidy(model.relativePath) || folder === tidy(model.path);
}

function tidy(path: string): string {
  return normalize(path).replace(/(.)[\\/]+$/, '$1');
}

/** `<model>-<port>` (then -2, -3, … while taken): a starting point the user edits. */
function suggestName(baseUrl: string, model: ModelChoice, taken: readonly ConfiguredEndpoint[]): string {
  const url = new URL(baseUrl);
  const stem = `${model.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'served'}-${url.port || 'served'}`.slice(0, 60);
  let name = stem;
  for (let n = 2; taken.some((e) => e.name === name) || model.variantIds.includes(name); n++) name = `${stem}-${n}`;
  return name;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
