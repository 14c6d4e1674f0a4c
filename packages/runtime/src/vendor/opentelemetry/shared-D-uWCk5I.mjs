// Bundled by tools/src/install/bundled-packages.ts from the packages ../manifest.json lists under "opentelemetry": do not edit.
import { o as diag } from "./shared-CUbQkKq7.mjs";
// node_modules/@opentelemetry/resources/dist/detectors/platform/node/machine-id/getMachineId-unsupported.mjs
async function getMachineId() {
	diag.debug("could not read machine-id: unsupported platform");
}
export { getMachineId };
