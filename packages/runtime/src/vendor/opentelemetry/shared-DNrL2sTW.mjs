// Bundled by tools/src/install/bundled-packages.ts from the packages ../manifest.json lists under "opentelemetry": do not edit.
import { t as execAsync } from "./shared-CdneV4p6.mjs";
import { o as diag } from "./shared-CUbQkKq7.mjs";
// node_modules/@opentelemetry/resources/dist/detectors/platform/node/machine-id/getMachineId-darwin.mjs
async function getMachineId() {
	try {
		const idLine = (await execAsync("ioreg -rd1 -c \"IOPlatformExpertDevice\"")).stdout.split("\n").find((line) => line.includes("IOPlatformUUID"));
		if (!idLine) return;
		const parts = idLine.split("\" = \"");
		if (parts.length === 2) return parts[1].slice(0, -1);
	} catch (e) {
		diag.debug(`error reading machine id: ${e}`);
	}
}
export { getMachineId };
