/**
 * Errors as vLLM sends them (vllm/entrypoints/serve/engine/protocol.py ErrorInfo/ErrorResponse:
 * `{"error": {"message", "type", "param", "code"}}` with `code` the HTTP status as a number and
 * `type` "BadRequestError", "NotFoundError", … — read 2026 from vllm-project/vllm), so clients that
 * parse vLLM's errors (the openai SDK among them) show ours.
 */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly param: string | null = null) {
    super(message);
  }
}

const TYPES: Record<number, string> = {
  400: 'BadRequestError',
  404: 'NotFoundError',
  405: 'MethodNotAllowed',
  413: 'RequestEntityTooLarge',
  500: 'InternalServerError',
  503: 'ServiceUnavailableError',
};

export function errorBody(status: number, message: string, param: string | null = null): { error: { message: string; type: string; param: string | null; code: number } } {
  return { error: { message, type: TYPES[status] ?? 'Error', param, code: status } };
}

export function badRequest(message: string, param: string | null = null): HttpError {
  return new HttpError(400, message, param);
}
