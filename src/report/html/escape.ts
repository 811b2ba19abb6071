/**
 * Escaping for the HTML reports. Every string that comes from a model file, a tokenizer or an API
 * answer goes through `escapeHtml` before it reaches the page. Numbers are formatted by
 * src/report/format.ts, the one rule every report shares.
 */

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escape text for element content and double- or single-quoted attribute values. */
export function escapeHtml(value: unknown): string {
  // Lone surrogates and C0 controls (other than tab/newline) are shown as U+FFFD: they are never
  // meaningful in a report and some break XML parsers that read the inline SVG.
  return String(value)
    .replace(/[&<>"']/g, (ch) => ENTITIES[ch]!)
    .replace(
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
      "\ufffd",
    );
}

/** Tagged template: interpolated values are escaped unless wrapped with `raw()`. */
export class RawHtml {
  constructor(readonly html: string) {}
}

export function raw(html: string): RawHtml {
  return new RawHtml(html);
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): RawHtml {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new RawHtml(out);
}

function render(value: unknown): string {
  if (value instanceof RawHtml) return value.html;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === undefined || value === null || value === false) return "";
  return escapeHtml(value);
}
