/**
 * The schema of a database as plain rows, for comparing what migrations build: SQLite's
 * sqlite_master (the statements as stored), and PostgreSQL's catalog (columns, constraints, indexes,
 * sequences, triggers, the functions the schema defines, extensions), each sorted so that only what
 * the schema is, not the order it was built in, decides equality.
 */
import { sql, type Kysely } from 'kysely';

const FTS5_SHADOW = /^CREATE TABLE '\w+_(data|idx|config|docsize|content)'/;

export type SchemaDump = Record<string, Array<Record<string, unknown>>>;

async function rows(db: Kysely<unknown>, query: string): Promise<Array<Record<string, unknown>>> {
  return (await sql.raw<Record<string, unknown>>(query).execute(db)).rows;
}

export async function dumpSchema(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres'): Promise<SchemaDump> {
  if (dialect === 'sqlite') {
    // Without FTS5's shadow tables (…_data, _idx, _config, _docsize, _content): SQLite writes those
    // itself, in the layout of its version; the migration's own statement is the virtual table's.
    const all = await rows(db, 'select type, name, tbl_name, sql from sqlite_master order by type, name');
    return { sqlite_master: all.filter((r) => !FTS5_SHADOW.test(String(r.sql ?? ''))) };
  }
  return {
    columns: await rows(
      db,
      `select table_name, column_name, ordinal_position, data_type, column_default, is_nullable
      from information_schema.columns where table_schema = 'public' order by table_name, ordinal_position`,
    ),
    constraints: await rows(
      db,
      `select conrelid::regclass::text as table_name, conname, pg_get_constraintdef(oid) as definition
      from pg_constraint where connamespace = 'public'::regnamespace order by 1, 2`,
    ),
    indexes: await rows(db, "select tablename, indexname, indexdef from pg_indexes where schemaname = 'public' order by tablename, indexname"),
    sequences: await rows(db, "select sequence_name, data_type from information_schema.sequences where sequence_schema = 'public' order by 1"),
    triggers: await rows(
      db,
      `select tgrelid::regclass::text as table_name, tgname, pg_get_triggerdef(oid) as definition
      from pg_trigger where not tgisinternal order by 1, 2`,
    ),
    // Functions of the schema itself; those an extension (pg_trgm) installs belong to its version.
    functions: await rows(
      db,
      `select p.proname, pg_get_functiondef(p.oid) as definition from pg_proc p
      where p.pronamespace = 'public'::regnamespace
        and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e') order by 1`,
    ),
    extensions: await rows(db, 'select extname from pg_extension order by 1'),
  };
}
