// The one escape used for every string that reaches the page, and the one way chart data is embedded.

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * JSON for a `<script type="application/json">` block: `<` becomes \u003c (so `</script>` and
 * `<!--` cannot close or confuse the block), and U+2028/U+2029 are escaped for old parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Inline JavaScript (a bundled library): `</script` inside it cannot end the element. */
export function scriptForInline(source: string): string {
  return source.replace(/<\/script/gi, '<\\/script');
}

/** Escapes a markdown table cell: pipes, HTML-significant characters and line breaks. */
export function escMd(value: unknown): string {
  return esc(value).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
