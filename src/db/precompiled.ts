/**
 * Statements built and compiled once per shape, then run again with fresh values. Building a query
 * with Kysely and compiling it costs more CPU than SQLite takes to run most of ours; the hottest
 * statements (a claim, an attempt, a batch recorded) have SQL text that depends only on their shape:
 * the dialect, the number of rows, the number of kinds. The text and the layout of its parameters are
 * kept per shape; a later call of the same shape only puts its values in their places.
 *
 * The build function is written as for the builder path, with the values it is given in place of the
 * real ones. On the first call of a shape it is given markers, unique objects, twice (two sets) and
 * compiled each time: a parameter holding a marker takes the value of that position, any other
 * parameter (a constant of the statement, 'queued') is kept as it is. A shape is kept only if both
 * builds give the same text and the same constants, so a value that reaches the text (sql.raw, a
 * string built from it) is never frozen in; such a shape is built afresh every time, as before. What
 * the text depends on apart from the values (a row count, whether an owner is given) belongs in the
 * shape's key: the build function must not look at the values it is given.
 */
import { CompiledQuery, type Compilable, type Kysely, type QueryResult, type RawBuilder } from 'kysely';
import type { DialectName } from './dialect';
import type { Database } from './schema';

/** Shapes kept, least recently used dropped first (as many as the prepared statements of a SQLite connection). */
export const PRECOMPILED_CACHE_SIZE = 256;

/** A value's stand-in while a shape is compiled: found again among the parameters by identity. */
class Marker {
  constructor(
    readonly set: number,
    readonly index: number,
  ) {}
  /** Different for each set, so that a marker that ends up in the text makes the two builds differ. */
  toString(): string {
    return `\u0000precompiled:${this.set}:${this.index}`;
  }
}

/** What a build function gives: a query builder, or a statement written with `sql` (compiled against the database). */
export type Statement<R> = Compilable<R> | RawBuilder<R>;

function compile<R>(db: Kysely<Database>, q: Statement<R>): CompiledQuery<R> {
  return 'isRawBuilder' in q ? q.compile(db) : q.compile();
}

/** A compiled shape: its text and, per parameter, the index of its value (-1: the constant kept in `constants`). */
interface Template {
  readonly valueCount: number;
  readonly sql: string;
  readonly slots: readonly number[];
  readonly constants: readonly unknown[];
}

/** A shape whose text depends on its values: built with the real values every time. */
const DYNAMIC = 'dynamic';

export class Precompiled {
  private readonly cache = new Map<string, Template | typeof DYNAMIC>();

  constructor(private readonly size = PRECOMPILED_CACHE_SIZE) {}

  /** Shapes kept now (for tests). */
  get cached(): number {
    return this.cache.size;
  }

  /**
   * Runs the statement `build` makes of `values`, compiled once per (dialect, shape). `values` must be
   * as many as the shape's first call had: a shape with another count is refused (a wrong key).
   */
  async run<R, V extends readonly unknown[]>(db: Kysely<Database>, dialect: DialectName, shape: string, values: V, build: (v: V) => Statement<R>): Promise<QueryResult<R>> {
    const key = `${dialect}:${shape}`;
    let t = this.cache.get(key);
    if (t === undefined) {
      t = compileShape(db, values.length, build);
      this.remember(key, t);
    } else {
      // Used again: last to be dropped.
      this.cache.delete(key);
      this.cache.set(key, t);
    }
    if (t !== DYNAMIC && t.valueCount !== values.length) {
      throw new Error(`precompiled statement "${key}" takes ${t.valueCount} values, ${values.length} given: the shape key does not match the values`);
    }
    // Kysely leaves an undefined value out (of a SET, of an inserted row): the text would differ from the shape's.
    if (t === DYNAMIC || values.includes(undefined)) return db.executeQuery(compile(db, build(values)));
    const parameters = new Array<unknown>(t.slots.length);
    for (let i = 0; i < t.slots.length; i += 1) {
      const slot = t.slots[i] as number;
      parameters[i] = slot < 0 ? t.constants[i] : values[slot];
    }
    return db.executeQuery(CompiledQuery.raw(t.sql, parameters) as CompiledQuery<R>);
  }

  private remember(key: string, t: Template | typeof DYNAMIC): void {
    if (this.cache.size >= this.size) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, t);
  }
}

function compileShape<V extends readonly unknown[]>(db: Kysely<Database>, valueCount: number, build: (v: V) => Statement<unknown>): Template | typeof DYNAMIC {
  let first: Template | null;
  let second: Template | null;
  try {
    first = layout(db, 1, valueCount, build);
    second = layout(db, 2, valueCount, build);
  } catch {
    // The build reads a value (as a name, say) and cannot take a stand-in: the real values will tell.
    return DYNAMIC;
  }
  if (first === null || second === null || first.sql !== second.sql) return DYNAMIC;
  const same = first.slots.every((s, i) => s === second.slots[i] && (s >= 0 || Object.is(first.constants[i], second.constants[i])));
  return same ? first : DYNAMIC;
}

/** The shape compiled with the marker set `set`; null if a marker is hidden in a parameter (an array of values bound as one). */
function layout<V extends readonly unknown[]>(db: Kysely<Database>, set: number, valueCount: number, build: (v: V) => Statement<unknown>): Template | null {
  const markers = Array.from({ length: valueCount }, (_, i) => new Marker(set, i));
  const compiled = compile(db, build(markers as unknown as V));
  const slots: number[] = [];
  const constants: unknown[] = [];
  for (const p of compiled.parameters) {
    if (p instanceof Marker) {
      slots.push(p.index);
      constants.push(undefined);
    } else {
      if (containsMarker(p)) return null;
      slots.push(-1);
      constants.push(p);
    }
  }
  return { valueCount, sql: compiled.sql, slots, constants };
}

function containsMarker(p: unknown): boolean {
  if (p instanceof Marker) return true;
  if (Array.isArray(p)) return p.some(containsMarker);
  if (p !== null && typeof p === 'object') return Object.values(p).some(containsMarker);
  return false;
}

/** A flat list of values as rows of `width` (the cells of a multi-row statement, flattened for run). */
export function rowsOf<Row extends readonly unknown[]>(cells: readonly unknown[], width: number): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < cells.length; i += width) rows.push(cells.slice(i, i + width) as unknown as Row);
  return rows;
}

/** The statements of the repositories, one cache for all databases (the key holds the dialect). */
export const precompiled = new Precompiled();
