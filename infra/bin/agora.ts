/** The CDK app: `cdk synth` / `cdk deploy` run this (see cdk.json). */
import { buildAgora } from '../src/app.ts';
import { platformCatalogue } from '../src/catalogue.ts';
import { buildCheckedApp } from '../src/nag.ts';

const { app } = buildCheckedApp((scope) => buildAgora(scope, platformCatalogue()));
app.synth();
