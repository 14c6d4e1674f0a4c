/** Writes /buildspec.yml from the catalogue (see src/buildspec.ts). */
import { writeFileSync } from 'node:fs';
import { buildspecPath, renderBuildspec } from '../src/buildspec.ts';
import { platformCatalogue } from '../src/catalogue.ts';

const target = new URL(`../../${buildspecPath}`, import.meta.url);
writeFileSync(target, renderBuildspec(platformCatalogue()));
process.stdout.write(`wrote ${target.pathname}\n`);
