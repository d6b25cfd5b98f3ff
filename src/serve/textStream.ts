/**
 * The text of a generation as its tokens arrive, with stop strings applied as vLLM applies them
 * (vllm/v1/engine/detokenizer.py and sampling_params.py, read 2026): stop strings are looked for
 * only once `min_tokens` tokens exist; the text ends before the match (or after it with
 * include_stop_str_in_output); while streaming, the last (longest stop − 1) characters are held
 * back so a stop string split over tokens is never sent. A trailing U+FFFD (a UTF-8 character cut
 * between byte-level tokens) is held back too until the next token completes it.
 */
export class TextStream {
  private tokens: number[] = [];
  private text = '';
  private stable = '';
  private prefixOffset = 0;
  private readOffset = 0;
  private sent = 0;
  private searchedTo = 0;
  private readonly holdBack: number;
  /** The stop string that ended the text, once one did. */
  stoppedBy: string | null = null;

  constructor(
    private readonly decode: (tokens: readonly number[]) => string,
    private readonly stops: readonly string[],
    private readonly minTokens: number,
    private readonly includeStop: boolean,
  ) {
    this.holdBack = stops.length ? Math.max(...stops.map((s) => s.length)) - 1 : 0;
  }

  /** Adds a token; returns true when a stop string now ends the text (later tokens are ignored). */
  push(token: number): boolean {
    if (this.stoppedBy !== null) return true;
    this.tokens.push(token);
    this.text = this.decodeNew();
    if (this.stops.length === 0) return false;
    if (this.tokens.length < this.minTokens) {
      // Text made before min_tokens is never searched later either (vLLM checks only the new text).
      this.searchedTo = this.text.length;
      return false;
    }
    const from = Math.max(0, this.searchedTo - this.holdBack);
    let best: { at: number; stop: string } | null = null;
    for (const stop of this.stops) {
      const at = this.text.indexOf(stop, from);
      if (at !== -1 && (best === null || at < best.at)) best = { at, stop };
    }
    this.searchedTo = this.text.length;
    if (!best) return false;
    this.stoppedBy = best.stop;
    this.text = this.text.slice(0, best.at + (this.includeStop ? best.stop.length : 0));
    return true;
  }

  /**
   * The text so far, decoding only a short window of the latest tokens (as TGI and vLLM do, so a
   * long generation costs O(n), not O(n²), decode work on the HTTP thread): the tokens from
   * `prefixOffset` decoded, minus the same window up to `readOffset`, is what the new tokens add. A
   * window ending in U+FFFD (a character cut between byte tokens) stays open until it completes.
   */
  private decodeNew(): string {
    // (transformers.js refuses to decode an empty list)
    const prefix = this.readOffset > this.prefixOffset ? this.decode(this.tokens.slice(this.prefixOffset, this.readOffset)) : '';
    const now = this.decode(this.tokens.slice(this.prefixOffset));
    if (now.length > prefix.length && !now.endsWith('\uFFFD')) {
      this.stable += now.slice(prefix.length);
      this.prefixOffset = this.readOffset;
      this.readOffset = this.tokens.length;
      return this.stable;
    }
    return this.stable + now.slice(prefix.length);
  }

  /** Text not sent yet that is safe to send now (everything when `final`). */
  delta(final: boolean): string {
    let end = this.text.length;
    if (!final && this.stoppedBy === null) {
      end -= this.holdBack;
      while (end > 0 && this.text[end - 1] === '\uFFFD') end--;
    }
    if (end <= this.sent) return '';
    const out = this.text.slice(this.sent, end);
    this.sent = end;
    return out;
  }

  get fullText(): string {
    return this.text;
  }

  get tokenCount(): number {
    return this.tokens.length;
  }
}
