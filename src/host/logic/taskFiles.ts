/**
 * The task files the Evaluate quick picks offer (`quantlens eval --tasks` from VS Code): those in
 * the workspace and the examples bundled with the extension, the remembered ones ticked.
 */

/** What `vscode.workspace.findFiles` looks for; the same names as isTaskFileName. */
export const TASK_FILE_GLOB = '**/*.quantlens.{yaml,yml,json}';

const TASK_FILE_NAME = /\.quantlens\.(ya?ml|json)$/i;
export const isTaskFileName = (name: string): boolean => TASK_FILE_NAME.test(name);

export interface WorkspaceTaskFile {
  path: string;
  /** As the workspace shows it (asRelativePath). */
  relativePath: string;
}

export interface TaskFileItem {
  label: string;
  description: string;
  path: string;
  picked: boolean;
}

const fileName = (path: string): string => path.split(/[\\/]/).pop() ?? path;
const folderOf = (path: string): string => path.slice(0, path.length - fileName(path).length).replace(/[\\/]$/, '');

/**
 * One item per task file, each once: workspace files (by relative path), then the bundled examples,
 * then remembered files found in neither (picked from elsewhere earlier and still on disk — the
 * caller drops the missing ones). The remembered ones are ticked and listed first.
 */
export function taskFileItems(workspace: readonly WorkspaceTaskFile[], bundled: readonly string[], remembered: readonly string[]): TaskFileItem[] {
  const items: TaskFileItem[] = [];
  const add = (path: string, label: string, description: string): void => {
    if (!items.some((i) => i.path === path)) items.push({ label, description, path, picked: remembered.includes(path) });
  };
  for (const f of [...workspace].sort((a, b) => a.relativePath.localeCompare(b.relativePath))) add(f.path, f.relativePath, 'workspace');
  for (const path of [...bundled].sort()) add(path, fileName(path), 'bundled example');
  for (const path of remembered) add(path, fileName(path), folderOf(path));
  return [...items.filter((i) => i.picked), ...items.filter((i) => !i.picked)];
}
