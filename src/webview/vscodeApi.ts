import type { PanelState, PanelToHost } from '../shared/panelProtocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The webview's only door to the host: typed messages and the persisted view state. */
const api = acquireVsCodeApi();

export function post(message: PanelToHost): void {
  api.postMessage(message);
}

export function loadState(): Partial<PanelState> {
  return (api.getState() as Partial<PanelState> | undefined) ?? {};
}

export function saveState(state: Partial<PanelState>): void {
  api.setState({ ...loadState(), ...state });
}
