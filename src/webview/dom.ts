/**
 * Element construction for the panel. Text only ever goes through textContent and attributes
 * through setAttribute: no string is parsed as HTML, so model outputs, prompts, dataset strings and
 * annotations stay text whatever they contain.
 */
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: { class?: string; title?: string; attrs?: Record<string, string>; on?: Record<string, (e: Event) => void> } = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.title !== undefined) el.setAttribute('title', props.title);
  for (const [k, v] of Object.entries(props.attrs ?? {})) el.setAttribute(k, v);
  for (const [event, handler] of Object.entries(props.on ?? {})) el.addEventListener(event, handler);
  append(el, ...children);
  return el;
}

/** A custom element (vscode-elements) by tag name. */
export function custom(tag: string, props: { attrs?: Record<string, string>; on?: Record<string, (e: Event) => void> } = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props.attrs ?? {})) el.setAttribute(k, v);
  for (const [event, handler] of Object.entries(props.on ?? {})) el.addEventListener(event, handler);
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing from the panel page`);
  return el as T;
}
