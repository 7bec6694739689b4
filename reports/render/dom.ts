// Building HTML from escaped parts: `Html` marks markup this module produced; every other value
// that reaches a page goes through esc() (escape.ts), so results-file strings are always text.
import { esc } from './escape.js';

export class Html {
  constructor(readonly html: string) {}
}
export type Cell = string | number | null | undefined | Html;

export const raw = (html: string): Html => new Html(html);
const text = (c: Cell): string => (c instanceof Html ? c.html : c == null ? '-' : esc(c));

/** An element with escaped attribute values and escaped (or Html) children. */
export function el(tag: string, attrs: Record<string, string | undefined>, ...children: Cell[]): Html {
  const a = Object.entries(attrs).filter(([, v]) => v !== undefined).map(([k, v]) => ` ${k}="${esc(v)}"`).join('');
  return raw(`<${tag}${a}>${children.map(text).join('')}</${tag}>`);
}

export function table(header: readonly string[], rows: readonly (readonly Cell[])[], attrs: Record<string, string | undefined> = {}): Html {
  const head = el('thead', {}, el('tr', {}, ...header.map((h) => el('th', {}, h))));
  const body = el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c) => el('td', {}, c)))));
  return el('div', { class: 'scroll' }, el('table', attrs, head, body));
}

export const badge = (ok: boolean, label = ok ? 'pass' : 'FAIL'): Html => el('span', { class: ok ? 'badge ok' : 'badge bad' }, label);
export const code = (s: string): Html => el('code', {}, s);
export const join = (parts: readonly Cell[]): Html => raw(parts.map(text).join(''));
