import { InputError } from '../shared/errors';
import type { StartRunMessage } from '../shared/protocol';
import { RunCard, SCHEMA_VERSION, UnitInputs, UnitKey, UnitResult, VariantCard } from '../shared/report/schema';
import { listRunFolders, readRun } from '../node/runFolder/reader';
import { runFile } from '../node/runFolder/layout';
import { RunFolder } from '../node/runFolder/writer';
import { collectEnvironment } from './environment';
import { checkFinishedUnits, StaleCause, staleCauses } from './resumeCheck';
import type { PreparedRun } from './runSetup';
import { specIdentity } from './specIdentity';

export interface OpenedRun {
  folder: RunFolder;
  card: RunCard;
  /** Finished units reused as they are (their inputs are unchanged). */
  completed: Map<string, UnitResult>;
  resumed: boolean;
  /** On resume: finished units computed again because an input changed, and why. */
  recomputed: StaleCause[];
}

const now = (): string => new Date().toISOString();

/**
 * A new run folder, or with `resume` the newest unfinished run of the same spec identity (the spec
 * without content hashes). Of its finished units only those whose own inputs are unchanged are
 * reused; with resume 'strict' any changed input refuses the run instead. run.json is rewritten
 * with the hashes as they are now, so it names the files the finished run was computed from.
 */
export function openRunFolder(start: StartRunMessage, prepared: PreparedRun, inputsOf: (unit: UnitKey) => UnitInputs): OpenedRun {
  if (start.resume) {
    const identity = specIdentity(prepared.spec);
    for (const path of listRunFolders(start.outputFolder)) {
      const run = readRun(path);
      if (run.status === 'completed' || specIdentity(run.card.spec) !== identity) continue;
      const check = checkFinishedUnits(run.events, inputsOf);
      const recomputed = staleCauses(check.stale, prepared.folder.path);
      if (start.resume === 'strict' && recomputed.length) throw strictRefusal(path, recomputed);
      const folder = new RunFolder(path);
      folder.keepSamplesOf(new Set([...check.reused.values()].filter((r) => r.kind === 'generation').map((r) => r.variantId)));
      const card: RunCard = { ...run.card, schemaVersion: SCHEMA_VERSION, specHash: prepared.specHash, spec: prepared.spec, variants: variantCards(prepared) };
      folder.writeCard(card);
      return { folder, card, completed: check.reused, resumed: true, recomputed };
    }
  }
  const createdAt = now();
  const runId = `${createdAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${prepared.folder.name}-${prepared.specHash.slice(0, 8)}`;
  const card: RunCard = {
    schemaVersion: SCHEMA_VERSION,
    runId,
    specHash: prepared.specHash,
    createdAt,
    spec: prepared.spec,
    environment: collectEnvironment(),
    variants: variantCards(prepared),
    methods: prepared.methods,
    executionProviders: prepared.executionProviders,
  };
  return { folder: RunFolder.create(start.outputFolder, card), card, completed: new Map(), resumed: false, recomputed: [] };
}

function variantCards(prepared: PreparedRun): VariantCard[] {
  return prepared.variants.map((v) => ({
    id: v.id,
    dtype: v.dtype,
    files: prepared.spec.modelFiles?.variants[v.id] ?? [],
    sizeBytes: v.sizeBytes,
    signature: v.signature,
    ...(v.served
      ? {
          executionProvider: 'served' as const,
          // Hosts, dialect and model only: never the key, nor the name of the variable that holds it.
          served: { dialect: v.served.dialect, hosts: [...v.served.hosts], model: v.served.model, baseUrls: v.served.baseUrls.length, ...(v.served.maxModelLength !== undefined ? { maxModelLength: v.served.maxModelLength } : {}) },
        }
      : {}),
  }));
}

/** --resume=strict: finished units were computed from other inputs than the files hold now. */
function strictRefusal(runFolder: string, causes: readonly StaleCause[]): InputError {
  const problem = causes.map((c) => `${c.cause} (affects ${c.units.join(', ')})`).join('; ');
  return new InputError(
    causes.find((c) => c.file)?.file ?? runFile(runFolder, 'events'),
    `Cannot resume ${runFolder} strictly: ${problem}.`,
    'Restore the inputs the run started with, resume without =strict to recompute the units that depend on them, or start a new run.',
  );
}
