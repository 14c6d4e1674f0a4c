/**
 * Prints the build's shell commands (the same ones /buildspec.yml runs in CodeBuild), for the
 * first image push by hand; see README, "Deploy to AWS". Run from the repository root:
 *   npm run -s image-commands -w infra | bash -e
 */
import { buildCommands } from '../src/buildspec.ts';
import { platformCatalogue } from '../src/catalogue.ts';

const commands = buildCommands(platformCatalogue()).filter((command) => !command.includes('imagedefinitions-'));
process.stdout.write(`set -e\n${commands.join('\n')}\n`);
