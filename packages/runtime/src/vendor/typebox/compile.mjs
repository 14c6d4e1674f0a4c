// Bundled by tools/src/install/bundled-packages.ts from the packages ../manifest.json lists under "typebox": do not edit.
import { g as Get, v as Match } from "./shared-Bc-S9FJv.mjs";
import { c as DisableParseErrors, d as Build, l as EnableParseErrors } from "./shared-BdvuXXZl.mjs";
import { D as Convert, E as Default, P as Errors, S as Decode, f as ParseError, g as Create, k as Clean, p as Parser, v as HasCodec, y as Encode } from "./shared-zwWCmLbd.mjs";
// node_modules/typebox/build/compile/code.mjs
function TsIgnore() {
	return `// @ts-ignore`;
}
function Separator() {
	return ``;
}
function ImportSection(build) {
	const context = build.UseUnevaluated() ? [`import { CheckContext } from "typebox/schema"`] : [];
	const hashing = `import { Hashing } from "typebox/system"`;
	const guard = `import { Guard } from "typebox/guard"`;
	return [
		...context,
		hashing,
		guard
	];
}
function ExternalSection(build) {
	const { identifier } = build.External();
	return [
		Separator(),
		TsIgnore(),
		`let ${identifier} = []`,
		Separator(),
		TsIgnore(),
		`export function SetExternal(external) { ${identifier} = external.variables }`
	];
}
function FunctionSection(build) {
	return build.Functions().map((func) => [
		Separator(),
		TsIgnore(),
		`${func};`
	].join("\n"));
}
function ExportSection(build) {
	const body = build.UseUnevaluated() ? `const context = new CheckContext({}, {}); return ${build.Entry()}` : `return ${build.Entry()}`;
	return [
		Separator(),
		TsIgnore(),
		`export function Check(value) { ${body} }`
	];
}
/** Creates a standalone ESM validation module for the given type. */
function Code(...args) {
	const [context, type] = Match(args, {
		2: (context, type) => [context, type],
		1: (type) => [{}, type]
	});
	const build = Build(context, type);
	const code = [
		...ImportSection(build),
		...ExternalSection(build),
		...FunctionSection(build),
		...ExportSection(build)
	].join("\n");
	return {
		External: build.External(),
		Code: code
	};
}
// node_modules/typebox/build/compile/validator.mjs
var Validator = class {
	/** Constructs a Validator. */
	constructor(context, type) {
		this.hasCodec = HasCodec(context, type);
		this.buildResult = Build(context, type);
		this.evaluateResult = this.buildResult.Evaluate();
	}
	/** Returns true if this Validator is using JIT acceleration. */
	IsAccelerated() {
		return this.evaluateResult.IsAccelerated();
	}
	/** Returns the Context for this validator. */
	Context() {
		return this.buildResult.Context();
	}
	/** Returns the underlying Type used to construct this Validator. */
	Type() {
		return this.buildResult.Schema();
	}
	/** Returns the generated code for this validator. */
	Code() {
		return this.evaluateResult.Code();
	}
	/** Performs a type-guard check on the provided value. */
	Check(value) {
		return this.evaluateResult.Check(value);
	}
	/** Validates a value and returns it. Will throw if invalid. */
	Parse(value) {
		if (this.Check(value)) return value;
		if (Get().correctiveParse) return Parser(this.Context(), this.Type(), value);
		EnableParseErrors();
		const errors = this.Errors(value);
		DisableParseErrors();
		throw new ParseError(value, errors);
	}
	/** Returns an array of validation errors for the given value. */
	Errors(value) {
		if (this.IsAccelerated() && this.Check(value)) return [];
		return Errors(this.Context(), this.Type(), value);
	}
	/** Cleans a value using the Validator type. */
	Clean(value) {
		return Clean(this.Context(), this.Type(), value);
	}
	/** Converts a value using the Validator type. */
	Convert(value) {
		return Convert(this.Context(), this.Type(), value);
	}
	/** Creates a value using the Validator type. */
	Create() {
		return Create(this.Context(), this.Type());
	}
	/** Creates defaults using the Validator type. */
	Default(value) {
		return Default(this.Context(), this.Type(), value);
	}
	/** Decodes a value */
	Decode(value) {
		return this.hasCodec ? Decode(this.Context(), this.Type(), value) : this.Parse(value);
	}
	/** Encodes a value */
	Encode(value) {
		return this.hasCodec ? Encode(this.Context(), this.Type(), value) : this.Parse(value);
	}
};
// node_modules/typebox/build/compile/compile.mjs
/** Compiles a type into a high performance Validator */
function Compile(...args) {
	const [context, type] = Match(args, {
		2: (context, type) => [context, type],
		1: (type) => [{}, type]
	});
	return new Validator(context, type);
}
// node_modules/typebox/build/compile/index.mjs
var compile_default = Compile;
export { Code, Compile, Validator, compile_default as default };
