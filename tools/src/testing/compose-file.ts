/** docker-compose.yml, read as compose reads it (YAML merge keys resolved). */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { repoRoot } from '../paths.ts';

export interface ComposeVolume {
  readonly type: string;
  readonly source?: string;
  readonly target: string;
  readonly read_only?: boolean;
  readonly volume?: { readonly subpath?: string };
}

export interface ComposeService {
  readonly image?: string;
  readonly build?: { readonly context: string; readonly dockerfile?: string; readonly args?: Record<string, string> };
  readonly command?: string[] | string;
  readonly environment?: Record<string, string>;
  readonly depends_on?: Record<string, { readonly condition: string; readonly required?: boolean }>;
  readonly profiles?: readonly string[];
  readonly volumes?: readonly ComposeVolume[];
  readonly ports?: readonly string[];
  readonly container_name?: string;
  readonly read_only?: boolean;
  readonly tmpfs?: readonly string[];
  readonly cap_drop?: readonly string[];
  readonly security_opt?: readonly string[];
  readonly healthcheck?: { readonly disable?: boolean; readonly test?: readonly string[] };
}

export interface ComposeFile {
  readonly services: Record<string, ComposeService>;
  readonly volumes?: Record<string, unknown>;
}

export const composePath = `${repoRoot}docker-compose.yml`;

export async function readCompose(path = composePath): Promise<ComposeFile> {
  return parse(await readFile(path, 'utf8'), { merge: true }) as ComposeFile;
}
