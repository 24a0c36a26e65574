/**
 * Runs a Dockerfile's own steps without a container daemon: each stage gets a folder standing for
 * its file system; COPY copies from the build context (a clean copy of the project) or an earlier
 * stage; RUN runs in the stage's WORKDIR with the container paths mapped into the stage's folder.
 * System package installs (apt-get) are left to the base image: this machine has the toolchain.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface Instruction {
  op: string;
  args: string;
}

export function parseDockerfile(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [op = '', ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

export interface Stage {
  name: string;
  root: string;
  workdir: string;
  env: Record<string, string>;
  user: string | null;
  cmd: string[];
  entrypoint: string[];
  healthcheck: string[];
  volumes: string[];
}

export interface RunOptions {
  context: string;
  /** Folder the stages are made in. */
  out: string;
  /** Rewrites a RUN command before it runs (the CI variant's npm ci). */
  rewriteRun?: (cmd: string, stage: Stage) => string;
  /** Called after each RUN. */
  afterRun?: (cmd: string, stage: Stage) => void;
  env?: Record<string, string>;
}

const jsonOrShell = (args: string): string[] => (args.startsWith('[') ? (JSON.parse(args) as string[]) : ['sh', '-c', args]);

/** Maps container paths (/app, /data …) in a command to the stage's folder; the image's `node` user is `nobody` here. */
export function mapPaths(cmd: string, root: string): string {
  return cmd.replace(/(^|[\s=:])\/(app|data)\b/g, (_m, lead: string, dir: string) => `${lead}${root}/${dir}`).replace(/\bnode:node\b/g, 'nobody:nogroup');
}

function copy(o: RunOptions, stages: Map<string, Stage>, stage: Stage, args: string): void {
  const m = /^(?:--from=(\S+)\s+)?(.+)$/.exec(args);
  const from = m?.[1];
  const parts = (m?.[2] ?? '').split(/\s+/);
  const dest = parts.pop() ?? '.';
  const base = from ? (stages.get(from)?.root ?? '') : o.context;
  const target = path.isAbsolute(dest) ? path.join(stage.root, dest) : path.join(stage.root, stage.workdir, dest);
  for (const src of parts) {
    const source = path.join(base, src);
    const into = dest.endsWith('/') || parts.length > 1 ? path.join(target, path.basename(src)) : target;
    fs.mkdirSync(path.dirname(into), { recursive: true });
    fs.cpSync(source, into, { recursive: true, verbatimSymlinks: true });
  }
}

export function runDockerfile(instructions: Instruction[], o: RunOptions): Map<string, Stage> {
  const stages = new Map<string, Stage>();
  let stage: Stage | null = null;
  for (const { op, args } of instructions) {
    if (op === 'FROM') {
      const name = /\bAS\s+(\S+)/i.exec(args)?.[1] ?? `stage${stages.size}`;
      stage = { name, root: path.join(o.out, name), workdir: '/', env: {}, user: null, cmd: [], entrypoint: [], healthcheck: [], volumes: [] };
      fs.mkdirSync(stage.root, { recursive: true });
      stages.set(name, stage);
      continue;
    }
    if (!stage) throw new Error(`${op} before FROM`);
    if (op === 'WORKDIR') {
      stage.workdir = args;
      fs.mkdirSync(path.join(stage.root, args), { recursive: true });
    } else if (op === 'ENV') {
      for (const m of args.matchAll(/(\w+)=(\S+)/g)) stage.env[m[1] ?? ''] = m[2] ?? '';
    } else if (op === 'COPY') copy(o, stages, stage, args);
    else if (op === 'RUN') {
      if (/^apt-get\b/.test(args)) continue;
      const cmd = mapPaths(o.rewriteRun?.(args, stage) ?? args, stage.root);
      execFileSync('bash', ['-c', cmd], { cwd: path.join(stage.root, stage.workdir), stdio: 'pipe', env: { ...process.env, ...o.env }, maxBuffer: 64 * 1024 * 1024 });
      o.afterRun?.(args, stage);
    } else if (op === 'USER') stage.user = args;
    else if (op === 'VOLUME') stage.volumes = jsonOrShell(args);
    else if (op === 'CMD') stage.cmd = jsonOrShell(args);
    else if (op === 'ENTRYPOINT') stage.entrypoint = jsonOrShell(args);
    else if (op === 'HEALTHCHECK') stage.healthcheck = jsonOrShell(args.replace(/^(--\S+\s+)*CMD\s+/, ''));
    else if (!['EXPOSE', 'STOPSIGNAL', 'ARG', 'LABEL'].includes(op)) throw new Error(`unsupported Dockerfile instruction ${op}`);
  }
  return stages;
}

/** A clean copy of the project as the image build would see it: tracked and new files, minus .dockerignore. */
export function buildContext(repo: string, into: string): void {
  const ignore = fs
    .readFileSync(path.join(repo, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: repo, encoding: 'utf8' }).split('\n').filter(Boolean);
  const ignored = (f: string) => ignore.some((p) => (p.startsWith('*') ? f.endsWith(p.slice(1)) : f === p || f.startsWith(`${p}/`)));
  for (const f of files) {
    if (ignored(f) || !fs.existsSync(path.join(repo, f))) continue;
    fs.mkdirSync(path.dirname(path.join(into, f)), { recursive: true });
    fs.copyFileSync(path.join(repo, f), path.join(into, f));
  }
}
