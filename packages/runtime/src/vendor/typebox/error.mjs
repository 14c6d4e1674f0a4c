// Bundled by tools/src/install/bundled-packages.ts from the packages ../manifest.json lists under "typebox": do not edit.
import { At as IsString, Ot as IsObject, lt as HasPropertyKey } from "./shared-Bu1omyJM.mjs";
// node_modules/typebox/build/error/errors.mjs
function IsValidationError(value) {
	return IsObject(value) && HasPropertyKey(value, "keyword") && HasPropertyKey(value, "schemaPath") && HasPropertyKey(value, "instancePath") && HasPropertyKey(value, "params") && IsString(value.keyword) && IsString(value.schemaPath) && IsString(value.instancePath) && IsObject(value.params);
}
function IsLocalizedValidationError(value) {
	return IsValidationError(value) && HasPropertyKey(value, "message") && IsString(value.message);
}
export { IsLocalizedValidationError, IsValidationError };
