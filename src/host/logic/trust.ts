/** Why evaluation is refused in an untrusted workspace (discovery and past runs still work). */
export const UNTRUSTED_MESSAGE =
  'QuantLens evaluates models only in a trusted workspace: evaluating runs the model files and reads workspace data. Discovery still works.';

export function evaluationGate(isTrusted: boolean): { allowed: true } | { allowed: false; message: string } {
  return isTrusted ? { allowed: true } : { allowed: false, message: UNTRUSTED_MESSAGE };
}
