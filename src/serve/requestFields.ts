import { badRequest } from './httpErrors';

/**
 * Typed reads of a JSON request body's fields: a field of the wrong type is a 400 naming the field,
 * the endpoint and what was expected, never a silent default.
 */
export class RequestFields {
  constructor(readonly endpoint: string, private readonly body: Record<string, unknown>) {}

  static of(endpoint: string, body: unknown): RequestFields {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest(`${endpoint}: the request body must be a JSON object.`);
    return new RequestFields(endpoint, body as Record<string, unknown>);
  }

  has(name: string): boolean {
    return this.body[name] !== undefined && this.body[name] !== null;
  }

  raw(name: string): unknown {
    return this.body[name];
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.body[name];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') throw this.wrong(name, 'true or false', v);
    return v;
  }

  /** An integer ≥ min, or null when absent. */
  int(name: string, min = -Infinity): number | null {
    const v = this.body[name];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw this.wrong(name, 'an integer', v);
    if (v < min) throw badRequest(`${this.endpoint}: \`${name}\` must be at least ${min} (got ${v}).`, name);
    return v;
  }

  number(name: string): number | null {
    const v = this.body[name];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw this.wrong(name, 'a number', v);
    return v;
  }

  string(name: string): string | null {
    const v = this.body[name];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') throw this.wrong(name, 'a string', v);
    return v;
  }

  /** A string or a list of strings (OpenAI `stop`), as a list. */
  strings(name: string): string[] {
    const v = this.body[name];
    if (v === undefined || v === null) return [];
    if (typeof v === 'string') return v === '' ? [] : [v];
    if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v.filter((s) => s !== '');
    throw this.wrong(name, 'a string or a list of strings', v);
  }

  /** A list of integers ≥ 0, or null when absent. */
  ids(name: string): number[] | null {
    const v = this.body[name];
    if (v === undefined || v === null) return null;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0)) throw this.wrong(name, 'a list of token ids (integers ≥ 0)', v);
    return v as number[];
  }

  wrong(name: string, expected: string, got: unknown): Error {
    return badRequest(`${this.endpoint}: \`${name}\` must be ${expected} (got ${abbreviate(got)}).`, name);
  }
}

function abbreviate(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
