// Bundled by tools/src/install/bundled-packages.ts from the packages ../manifest.json lists under "opentelemetry": do not edit.
import * as util from "util";
import * as child_process from "child_process";
// node_modules/@opentelemetry/resources/dist/detectors/platform/node/machine-id/execAsync.mjs
const execAsync = util.promisify(child_process.exec);
export { execAsync as t };
