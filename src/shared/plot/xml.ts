/**
 * Text for XML (SVG) element content and attribute values: the five markup characters escaped, and
 * the characters XML 1.0 forbids even as references (C0 controls but tab/newline/CR, U+FFFE/U+FFFF,
 * lone surrogates) dropped, so any string from the user's files leaves the document well-formed.
 */
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXml(text: string): string {
  return text.replace(FORBIDDEN, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}
