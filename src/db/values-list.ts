/**
 * Rows given as a `values` list, for a common table expression that one set-based UPDATE joins: one
 * statement for a whole batch instead of one per row. Every value is cast, because neither engine infers
 * a type for a bound parameter inside `values` (PostgreSQL would read them all as text).
 */
import { sql, type RawBuilder } from 'kysely';

export type ValueType = 'integer' | 'text';

/** `values (cast(? as integer), cast(? as text)), (…)`: one tuple per row, cast column by column. */
export function valuesList(rows: ReadonlyArray<ReadonlyArray<string | number | null>>, types: readonly ValueType[]): RawBuilder<unknown> {
  const casts = types.map((t) => sql.raw(t));
  return sql`values ${sql.join(rows.map((r) => sql`(${sql.join(casts.map((t, i) => sql`cast(${r[i] ?? null} as ${t})`))})`))}`;
}
