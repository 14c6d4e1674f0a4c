/** A small Dockerfile reader: instructions by stage, enough for checks on what an image holds. */

export interface Instruction {
  /** upper-case keyword: FROM, RUN, COPY … */
  readonly keyword: string;
  /** everything after the keyword, continuation lines joined */
  readonly args: string;
  readonly line: number;
}

export interface Stage {
  readonly name?: string;
  /** the image named by FROM, with the global ARG defaults substituted */
  readonly base: string;
  readonly instructions: readonly Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults */
  readonly globalArgs: Record<string, string>;
  readonly stages: readonly Stage[];
}

export function parseInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const start = index;
    let current = (lines[index] as string).trim();
    if (current === '' || current.startsWith('#')) continue;
    while (current.endsWith('\\') && index + 1 < lines.length) {
      index++;
      const next = (lines[index] as string).trim();
      current = `${current.slice(0, -1).trimEnd()} ${next.startsWith('#') ? '' : next}`.trimEnd();
    }
    const match = /^(\S+)\s*(.*)$/s.exec(current);
    if (match)
      instructions.push({ keyword: (match[1] as string).toUpperCase(), args: match[2] as string, line: start + 1 });
  }
  return instructions;
}

function substitute(value: string, args: Record<string, string>): string {
  return value.replace(
    /\$\{(\w+)\}|\$(\w+)/g,
    (whole, braced?: string, bare?: string) => args[braced ?? bare ?? ''] ?? whole,
  );
}

function argDefault(args: string): [string, string] {
  const [name, ...rest] = args.split('=');
  return [
    name?.trim() ?? '',
    rest
      .join('=')
      .trim()
      .replace(/^["']|["']$/g, ''),
  ];
}

export function parseDockerfile(text: string): Dockerfile {
  const globalArgs: Record<string, string> = {};
  const stages: { name?: string; base: string; instructions: Instruction[] }[] = [];
  for (const instruction of parseInstructions(text)) {
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      stages.push({
        base: substitute(image, globalArgs),
        ...(as?.toUpperCase() === 'AS' && name ? { name } : {}),
        instructions: [],
      });
    } else if (stages.length === 0) {
      if (instruction.keyword === 'ARG') {
        const [name, value] = argDefault(instruction.args);
        globalArgs[name] = value;
      }
    } else {
      (stages.at(-1) as { instructions: Instruction[] }).instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

/** The last stage: what the image is. */
export function finalStage(dockerfile: Dockerfile): Stage {
  const last = dockerfile.stages.at(-1);
  if (!last) throw new Error('the Dockerfile has no FROM');
  return last;
}

/**
 * The stage whose file system the image runs on: the final stage itself, or, when that starts
 * `FROM scratch` and copies a whole stage (`COPY --from=<stage> / /`, one flattened layer), that stage.
 */
export function runtimeBaseStage(dockerfile: Dockerfile): Stage {
  const last = finalStage(dockerfile);
  if (last.base !== 'scratch') return last;
  const copy = last.instructions.find((i) => i.keyword === 'COPY' && /^--from=(\S+) \/ \/$/.test(i.args));
  const name = copy && /^--from=(\S+)/.exec(copy.args)?.[1];
  const stage = dockerfile.stages.find((candidate) => candidate.name === name);
  if (!stage)
    throw new Error('the final stage starts FROM scratch but copies no whole stage (COPY --from=<stage> / /)');
  return stage;
}

/** An exec-form (JSON array) argument list, e.g. of CMD or ENTRYPOINT. */
export function execForm(instruction: Instruction | undefined): string[] {
  if (!instruction) return [];
  const parsed: unknown = JSON.parse(instruction.args);
  if (!Array.isArray(parsed) || !parsed.every((word) => typeof word === 'string')) {
    throw new Error(`line ${instruction.line}: ${instruction.keyword} is not in exec form`);
  }
  return parsed;
}

/** The ENV a stage sets, with the given build-argument values (and ARG defaults) substituted. */
export function stageEnvironment(stage: Stage, buildArgs: Record<string, string>): Record<string, string> {
  const args: Record<string, string> = {};
  const env: Record<string, string> = {};
  for (const instruction of stage.instructions) {
    if (instruction.keyword === 'ARG') {
      const [name, fallback] = argDefault(instruction.args);
      args[name] = buildArgs[name] ?? fallback;
    } else if (instruction.keyword === 'ENV') {
      for (const match of instruction.args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) {
        env[match[1] as string] = substitute((match[2] as string).replace(/^"|"$/g, ''), { ...args, ...env });
      }
    }
  }
  return env;
}
