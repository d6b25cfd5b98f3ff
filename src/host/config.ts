import * as vscode from 'vscode';
import { contributedRunSettings, RawRunSettings } from '../shared/runSettings';
import type { ResumeMode } from '../shared/protocol';

/**
 * One typed view of the `quantlens.*` settings (rust-analyzer's Config idea). Read at the start of
 * each run: a run in progress keeps the settings it started with.
 */
export class Config {
  private get section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration('quantlens');
  }

  /**
   * The run settings as the user has them, unchecked: VS Code answers with package.json's default
   * for an unset key, and `resolveRunSettings` (shared with the CLI) defaults, checks and combines them.
   * A setting with no default (quantlens.taskLimit) is read only where the user set it: for an unset
   * integer VS Code would answer 0, which the resolver rightly refuses.
   */
  evaluation(): RawRunSettings {
    const s = this.section;
    return Object.fromEntries(contributedRunSettings().map(({ key, setting, spec }) => [key, 'default' in spec ? s.get<unknown>(setting) : explicitValue(s, setting)]));
  }

  /** How Resume treats finished units whose input files changed: recompute them, or refuse (CLI: --resume=strict). */
  resumeMode(): ResumeMode {
    return this.section.get<boolean>('resume.strict', false) ? 'strict' : 'recompute-changed';
  }

  /** `quantlens.endpoints` as the user has it, unchecked: resolveEndpointSettings checks it. */
  endpoints(): unknown {
    return this.section.get<unknown>('endpoints');
  }

  /** quantlens.codeExecution.enabled: code tasks may run model-written code in the sandbox (off by default; trusted workspaces only). */
  codeExecutionEnabled(): boolean {
    return this.section.get<boolean>('codeExecution.enabled', false) === true;
  }

  /** Where `.quantlens/runs` goes; empty means beside the model folder. */
  outputFolder(): string {
    return this.section.get<string>('outputFolder', '');
  }

  /** Settings changes that affect evaluation, so the UI can say "takes effect on the next run". */
  static affectsEvaluation(event: vscode.ConfigurationChangeEvent): boolean {
    return event.affectsConfiguration('quantlens');
  }
}

/** The value the user set (folder, then workspace, then user settings), or undefined. */
function explicitValue(section: vscode.WorkspaceConfiguration, setting: string): unknown {
  const set = section.inspect<unknown>(setting);
  return set?.workspaceFolderValue ?? set?.workspaceValue ?? set?.globalValue;
}
