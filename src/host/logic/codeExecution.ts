/**
 * Whether a run from the editor may execute model-written code: only when the user turned on
 * `quantlens.codeExecution.enabled` AND the workspace is trusted. The setting is a restricted
 * configuration (package.json capabilities.untrustedWorkspaces), so an untrusted workspace's own
 * settings.json cannot turn it on, and this check refuses it there regardless.
 */
import type { RunRequest } from '../../shared/protocol';

export const CODE_EXECUTION_SETTING = 'quantlens.codeExecution.enabled';

export function codeExecutionOptIn(enabled: boolean, isTrusted: boolean): Pick<RunRequest, 'allowCodeExecution'> {
  return enabled && isTrusted ? { allowCodeExecution: CODE_EXECUTION_SETTING } : {};
}
