// Bundled by tools/src/install/bundled-packages.ts from the packages ../manifest.json lists under "opentelemetry": do not edit.
import { t as execAsync } from "./shared-CdneV4p6.mjs";
import { o as diag } from "./shared-CUbQkKq7.mjs";
import { promises } from "fs";
// node_modules/@opentelemetry/resources/dist/detectors/platform/node/machine-id/getMachineId-bsd.mjs
async function getMachineId() {
	try {
		return (await promises.readFile("/etc/hostid", { encoding: "utf8" })).trim();
	} catch (e) {
		diag.debug(`error reading machine id: ${e}`);
	}
	try {
		return (await execAsync("kenv -q smbios.system.uuid")).stdout.trim();
	} catch (e) {
		diag.debug(`error reading machine id: ${e}`);
	}
}
export { getMachineId };
