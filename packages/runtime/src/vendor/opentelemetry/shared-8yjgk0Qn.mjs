// Bundled by tools/src/install/bundled-packages.ts from the packages ../manifest.json lists under "opentelemetry": do not edit.
import { o as diag } from "./shared-CUbQkKq7.mjs";
import { promises } from "fs";
// node_modules/@opentelemetry/resources/dist/detectors/platform/node/machine-id/getMachineId-linux.mjs
async function getMachineId() {
	for (const path of ["/etc/machine-id", "/var/lib/dbus/machine-id"]) try {
		return (await promises.readFile(path, { encoding: "utf8" })).trim();
	} catch (e) {
		diag.debug(`error reading machine id: ${e}`);
	}
}
export { getMachineId };
