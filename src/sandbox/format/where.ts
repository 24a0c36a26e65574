/**
 * Xero's `where` filter, the common subset: comparisons (== != > >= < <=) of a field path with a
 * string, number, boolean, null, DateTime(y,m,d[,h,m,s]) or Guid("…"); the string methods Contains,
 * StartsWith and EndsWith; AND/OR/NOT (also && || !) and parentheses. String comparison ignores case.
 *
 * A string literal runs from one double quote to the next: Xero has no escape in it (`\"` is its
 * "Syntax error"), so a backslash is an ordinary character and a value holding `"` cannot be written.
 */
import { parseInstant } from './dates';

type Tok = { t: 'id' | 'str' | 'num' | 'op' | 'punct'; v: string };
export type Predicate = (row: Record<string, unknown>) => boolean;

const TOKEN_RE = /\s*(?:("[^"]*")|(-?\d+(?:\.\d+)?)|(==|!=|>=|<=|&&|\|\||[<>!=])|([A-Za-z_][A-Za-z0-9_]*)|([().,]))/y;

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  TOKEN_RE.lastIndex = 0;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    TOKEN_RE.lastIndex = pos;
    const m = TOKEN_RE.exec(src);
    if (!m) throw new Error(`unexpected character at position ${pos}`);
    pos = TOKEN_RE.lastIndex;
    if (m[1]) out.push({ t: 'str', v: m[1].slice(1, -1) });
    else if (m[2]) out.push({ t: 'num', v: m[2] });
    else if (m[3]) out.push({ t: 'op', v: m[3] });
    else if (m[4]) out.push({ t: 'id', v: m[4] });
    else if (m[5]) out.push({ t: 'punct', v: m[5] });
  }
  return out;
}

type Value = string | number | boolean | null;

/** Case folding for comparisons: upper case, because lower-casing depends on context (Greek final sigma). */
const fold = (s: string): string => s.toUpperCase();

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  parse(): Predicate {
    const p = this.or();
    if (this.i < this.toks.length) throw new Error(`unexpected '${this.toks[this.i]?.v}'`);
    return p;
  }

  private peek(): Tok | undefined {
    return this.toks[this.i];
  }
  private next(): Tok {
    const t = this.toks[this.i++];
    if (!t) throw new Error('unexpected end of expression');
    return t;
  }
  private isWord(w: string): boolean {
    const t = this.peek();
    return !!t && t.t === 'id' && t.v.toUpperCase() === w;
  }
  private isOp(...ops: string[]): boolean {
    const t = this.peek();
    return !!t && t.t === 'op' && ops.includes(t.v);
  }
  private expect(v: string): void {
    const t = this.next();
    if (t.v !== v) throw new Error(`expected '${v}' but found '${t.v}'`);
  }

  private or(): Predicate {
    let left = this.and();
    while (this.isWord('OR') || this.isOp('||')) {
      this.i++;
      const l = left;
      const r = this.and();
      left = (row) => l(row) || r(row);
    }
    return left;
  }

  private and(): Predicate {
    let left = this.unary();
    while (this.isWord('AND') || this.isOp('&&')) {
      this.i++;
      const l = left;
      const r = this.unary();
      left = (row) => l(row) && r(row);
    }
    return left;
  }

  private unary(): Predicate {
    if (this.isWord('NOT') || this.isOp('!')) {
      this.i++;
      const p = this.unary();
      return (row) => !p(row);
    }
    if (this.peek()?.v === '(') {
      this.i++;
      const p = this.or();
      this.expect(')');
      return p;
    }
    return this.comparison();
  }

  private comparison(): Predicate {
    const path: string[] = [this.ident()];
    while (this.peek()?.v === '.') {
      this.i++;
      const name = this.ident();
      if (this.peek()?.v === '(') return this.method(path, name);
      path.push(name);
    }
    if (!this.isOp('==', '!=', '>', '>=', '<', '<=', '=')) return (row) => get(row, path) === true;
    const op = this.next().v;
    const value = this.value();
    return (row) => compare(get(row, path), op, value);
  }

  private method(path: string[], name: string): Predicate {
    this.expect('(');
    const arg = fold(String(this.value() ?? ''));
    this.expect(')');
    const fn = name.toLowerCase();
    if (!['contains', 'startswith', 'endswith'].includes(fn)) throw new Error(`unknown method ${name}`);
    return (row) => {
      const v = get(row, path);
      if (typeof v !== 'string') return false;
      const s = fold(v);
      return fn === 'contains' ? s.includes(arg) : fn === 'startswith' ? s.startsWith(arg) : s.endsWith(arg);
    };
  }

  private ident(): string {
    const t = this.next();
    if (t.t !== 'id') throw new Error(`expected a field name but found '${t.v}'`);
    return t.v;
  }

  private value(): Value {
    const t = this.next();
    if (t.t === 'str') return t.v;
    if (t.t === 'num') return Number(t.v);
    if (t.t !== 'id') throw new Error(`expected a value but found '${t.v}'`);
    const w = t.v.toLowerCase();
    if (w === 'true' || w === 'false') return w === 'true';
    if (w === 'null') return null;
    if (w === 'guid') {
      this.expect('(');
      const g = this.value();
      this.expect(')');
      return fold(String(g));
    }
    if (w === 'datetime') return this.dateTime();
    throw new Error(`unexpected '${t.v}'`);
  }

  private dateTime(): number {
    this.expect('(');
    const parts: number[] = [];
    while (this.peek()?.v !== ')') {
      const v = this.value();
      if (typeof v === 'string') {
        const ms = parseInstant(v);
        if (ms === null) throw new Error('bad DateTime');
        parts.push(ms);
        break;
      }
      parts.push(Number(v));
      if (this.peek()?.v === ',') this.i++;
    }
    this.expect(')');
    if (parts.length === 1) return parts[0] ?? 0;
    const [y = 1970, mo = 1, d = 1, h = 0, mi = 0, s = 0] = parts;
    return Date.UTC(y, mo - 1, d, h, mi, s);
  }
}

function get(row: Record<string, unknown>, path: string[]): unknown {
  let cur: unknown = row;
  for (const p of path) {
    if (!cur || typeof cur !== 'object') return undefined;
    const obj = cur as Record<string, unknown>;
    const key = Object.keys(obj).find((k) => k.toLowerCase() === p.toLowerCase());
    cur = key === undefined ? undefined : obj[key];
  }
  return cur;
}

function normalise(v: unknown, against: Value): Value {
  if (typeof v === 'string' && typeof against === 'number' && /^\/Date\(/.test(v)) return parseInstant(v);
  if (typeof v === 'string') return fold(v);
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  return null;
}

function compare(raw: unknown, op: string, value: Value): boolean {
  const a = normalise(raw, value);
  const b = typeof value === 'string' ? fold(value) : value;
  switch (op) {
    case '==':
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    default: {
      if (a === null || b === null) return false;
      if (op === '>') return a > b;
      if (op === '>=') return a >= b;
      if (op === '<') return a < b;
      return a <= b;
    }
  }
}

/** Parses a where clause; throws Error with a readable message on bad syntax. */
export function parseWhere(src: string): Predicate {
  return new Parser(tokenize(src)).parse();
}
