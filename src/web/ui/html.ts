/** Escaping for server-rendered HTML: everything from Xero or from documents goes through `esc`. */
export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Tagged template that escapes interpolations unless they are already-built Html. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

function render(v: unknown): string {
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === null || v === undefined || v === false) return '';
  return esc(v);
}

/** Joins fragments (or nothing) into one Html. */
export function join(parts: Array<Html | string | null | undefined | false>, separator = ''): Html {
  return new Html(
    parts
      .filter((p) => p !== null && p !== undefined && p !== false)
      .map((p) => (p instanceof Html ? p.value : esc(p)))
      .join(separator),
  );
}

/** JSON for a data attribute or a <script type="application/json"> block, safe inside HTML. */
export function jsonAttr(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}
