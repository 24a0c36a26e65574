/**
 * The outcome of something that can fail in an expected way (bad input, a refusal, an unreachable
 * service), as a value instead of an exception. `ok` tells which; the rest of the object carries the
 * success's or the failure's own fields, named for what they are (`{ ok: true, documents }`,
 * `{ ok: false, issues }`), so callers read `r.documents` after checking `r.ok` and nothing is
 * wrapped in a `value` or `error` it has to be unpacked from.
 *
 *   function parse(x: unknown): Result<{ documents: SourceDocument[] }, { issues: DocumentIssue[] }>
 */
export type Ok<T extends object = Empty> = { ok: true } & T;
export type Err<E extends object = Empty> = { ok: false } & E;
export type Result<T extends object = Empty, E extends object = Empty> = Ok<T> | Err<E>;

/** No fields beyond `ok`: `Result<Empty, { reason: string }>` is "done, or why not". */
export type Empty = Record<never, never>;
