// Bundled by tools/src/install/bundled-packages.ts from the packages ../manifest.json lists under "opentelemetry": do not edit.
import { n as InstrumentationBase, o as safeExecuteInTheMiddle } from "./shared-DUNip8zP.mjs";
import { T as ValueType, d as SpanStatusCode, f as SpanKind, n as trace, r as propagation, s as context, v as INVALID_SPAN_CONTEXT } from "./shared-CUbQkKq7.mjs";
import { $ as hrTime, D as ATTR_URL_QUERY, E as ATTR_URL_PATH, O as ATTR_URL_SCHEME, T as ATTR_URL_FULL, _ as ATTR_NETWORK_PEER_PORT, b as ATTR_SERVER_PORT, c as ATTR_ERROR_TYPE, et as hrTimeDuration, f as ATTR_HTTP_REQUEST_METHOD, g as ATTR_NETWORK_PEER_ADDRESS, k as ATTR_USER_AGENT_ORIGINAL, m as ATTR_HTTP_RESPONSE_STATUS_CODE, nt as hrTimeToMilliseconds, p as ATTR_HTTP_REQUEST_METHOD_ORIGINAL, v as ATTR_NETWORK_PROTOCOL_VERSION, y as ATTR_SERVER_ADDRESS } from "./shared-CQQBQ492.mjs";
import { t as METRIC_HTTP_CLIENT_REQUEST_DURATION } from "./shared-DD1Awt9p.mjs";
import * as diagch from "diagnostics_channel";
import { URL } from "url";
// node_modules/@opentelemetry/instrumentation-undici/dist/version.mjs
const PACKAGE_VERSION = "0.34.0";
const PACKAGE_NAME = "@opentelemetry/instrumentation-undici";
// node_modules/@opentelemetry/instrumentation-undici/dist/undici.mjs
/** @knipignore */
var UndiciInstrumentation = class extends InstrumentationBase {
	_recordFromReq = /* @__PURE__ */ new WeakMap();
	constructor(config = {}) {
		super(PACKAGE_NAME, PACKAGE_VERSION, config);
	}
	init() {}
	disable() {
		super.disable();
		this._channelSubs.forEach((sub) => sub.unsubscribe());
		this._channelSubs.length = 0;
	}
	enable() {
		super.enable();
		this._channelSubs = this._channelSubs || [];
		if (this._channelSubs.length > 0) return;
		this.subscribeToChannel("undici:request:create", this.onRequestCreated.bind(this));
		this.subscribeToChannel("undici:client:sendHeaders", this.onRequestHeaders.bind(this));
		this.subscribeToChannel("undici:request:headers", this.onResponseHeaders.bind(this));
		this.subscribeToChannel("undici:request:trailers", this.onDone.bind(this));
		this.subscribeToChannel("undici:request:error", this.onError.bind(this));
	}
	_updateMetricInstruments() {
		this._httpClientDurationHistogram = this.meter.createHistogram(METRIC_HTTP_CLIENT_REQUEST_DURATION, {
			description: "Measures the duration of outbound HTTP requests.",
			unit: "s",
			valueType: ValueType.DOUBLE,
			advice: { explicitBucketBoundaries: [
				.005,
				.01,
				.025,
				.05,
				.075,
				.1,
				.25,
				.5,
				.75,
				1,
				2.5,
				5,
				7.5,
				10
			] }
		});
	}
	subscribeToChannel(diagnosticChannel, onMessage) {
		diagch.subscribe(diagnosticChannel, onMessage);
		const unsubscribe = () => diagch.unsubscribe(diagnosticChannel, onMessage);
		this._channelSubs.push({
			name: diagnosticChannel,
			unsubscribe
		});
	}
	parseRequestHeaders(request) {
		const result = /* @__PURE__ */ new Map();
		if (Array.isArray(request.headers)) for (let i = 0; i < request.headers.length; i += 2) {
			const key = request.headers[i];
			const value = request.headers[i + 1];
			if (typeof key === "string") result.set(key.toLowerCase(), value);
		}
		else if (typeof request.headers === "string") {
			const headers = request.headers.split("\r\n");
			for (const line of headers) {
				if (!line) continue;
				const colonIndex = line.indexOf(":");
				if (colonIndex === -1) continue;
				const key = line.substring(0, colonIndex).toLowerCase();
				const value = line.substring(colonIndex + 1).trim();
				const allValues = result.get(key);
				if (allValues && Array.isArray(allValues)) allValues.push(value);
				else if (allValues) result.set(key, [allValues, value]);
				else result.set(key, value);
			}
		}
		return result;
	}
	onRequestCreated({ request }) {
		const config = this.getConfig();
		const enabled = config.enabled !== false;
		if (safeExecuteInTheMiddle(() => !enabled || request.method === "CONNECT" || config.ignoreRequestHook?.(request), (e) => e && this._diag.error("caught ignoreRequestHook error: ", e), true)) return;
		const startTime = hrTime();
		let requestUrl;
		try {
			requestUrl = new URL(request.path, request.origin);
		} catch (err) {
			this._diag.warn("could not determine url.full:", err);
			return;
		}
		const urlScheme = requestUrl.protocol.replace(":", "");
		const requestMethod = this.getRequestMethod(request.method);
		const attributes = {
			[ATTR_HTTP_REQUEST_METHOD]: requestMethod,
			[ATTR_HTTP_REQUEST_METHOD_ORIGINAL]: request.method,
			[ATTR_URL_FULL]: requestUrl.toString(),
			[ATTR_URL_PATH]: requestUrl.pathname,
			[ATTR_URL_QUERY]: requestUrl.search,
			[ATTR_URL_SCHEME]: urlScheme
		};
		const schemePorts = {
			https: "443",
			http: "80"
		};
		const serverAddress = requestUrl.hostname;
		const serverPort = requestUrl.port || schemePorts[urlScheme];
		attributes[ATTR_SERVER_ADDRESS] = serverAddress;
		if (serverPort && !isNaN(Number(serverPort))) attributes[ATTR_SERVER_PORT] = Number(serverPort);
		const userAgentValues = this.parseRequestHeaders(request).get("user-agent");
		if (userAgentValues) {
			const userAgent = Array.isArray(userAgentValues) ? userAgentValues[userAgentValues.length - 1] : userAgentValues;
			attributes[ATTR_USER_AGENT_ORIGINAL] = userAgent;
		}
		const hookAttributes = safeExecuteInTheMiddle(() => config.startSpanHook?.(request), (e) => e && this._diag.error("caught startSpanHook error: ", e), true);
		if (hookAttributes) Object.entries(hookAttributes).forEach(([key, val]) => {
			attributes[key] = val;
		});
		const activeCtx = context.active();
		const currentSpan = trace.getSpan(activeCtx);
		let span;
		if (config.requireParentforSpans && (!currentSpan || !trace.isSpanContextValid(currentSpan.spanContext()))) span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
		else span = this.tracer.startSpan(requestMethod === "_OTHER" ? "HTTP" : requestMethod, {
			kind: SpanKind.CLIENT,
			attributes
		}, activeCtx);
		safeExecuteInTheMiddle(() => config.requestHook?.(span, request), (e) => e && this._diag.error("caught requestHook error: ", e), true);
		const requestContext = trace.setSpan(context.active(), span);
		const addedHeaders = {};
		propagation.inject(requestContext, addedHeaders);
		const headerEntries = Object.entries(addedHeaders);
		for (let i = 0; i < headerEntries.length; i++) {
			const [k, v] = headerEntries[i];
			if (typeof request.addHeader === "function") request.addHeader(k, v);
			else if (typeof request.headers === "string") request.headers += `${k}: ${v}\r\n`;
			else if (Array.isArray(request.headers)) request.headers.push(k, v);
		}
		this._recordFromReq.set(request, {
			span,
			attributes,
			startTime
		});
	}
	onRequestHeaders({ request, socket }) {
		const record = this._recordFromReq.get(request);
		if (!record) return;
		const config = this.getConfig();
		const { span } = record;
		const { remoteAddress, remotePort, alpnProtocol } = socket;
		const spanAttributes = {
			[ATTR_NETWORK_PEER_ADDRESS]: remoteAddress,
			[ATTR_NETWORK_PEER_PORT]: remotePort,
			[ATTR_NETWORK_PROTOCOL_VERSION]: alpnProtocol === "h2" ? "2" : "1.1"
		};
		if (config.headersToSpanAttributes?.requestHeaders) {
			const headersToAttribs = new Set(config.headersToSpanAttributes.requestHeaders.map((n) => n.toLowerCase()));
			const headersMap = this.parseRequestHeaders(request);
			for (const [name, value] of headersMap.entries()) if (headersToAttribs.has(name)) {
				const attrValue = Array.isArray(value) ? value : [value];
				spanAttributes[`http.request.header.${name}`] = attrValue;
			}
		}
		span.setAttributes(spanAttributes);
		record.attributes = Object.assign(record.attributes, spanAttributes);
	}
	onResponseHeaders({ request, response }) {
		const record = this._recordFromReq.get(request);
		if (!record) return;
		const { span, attributes } = record;
		const isError = response.statusCode >= 400;
		const spanAttributes = { [ATTR_HTTP_RESPONSE_STATUS_CODE]: response.statusCode };
		if (isError) spanAttributes[ATTR_ERROR_TYPE] = String(response.statusCode);
		const config = this.getConfig();
		safeExecuteInTheMiddle(() => config.responseHook?.(span, {
			request,
			response
		}), (e) => e && this._diag.error("caught responseHook error: ", e), true);
		if (config.headersToSpanAttributes?.responseHeaders) {
			const headersToAttribs = /* @__PURE__ */ new Set();
			config.headersToSpanAttributes?.responseHeaders.forEach((name) => headersToAttribs.add(name.toLowerCase()));
			for (let idx = 0; idx < response.headers.length; idx = idx + 2) {
				const name = response.headers[idx].toString().toLowerCase();
				const value = response.headers[idx + 1];
				if (headersToAttribs.has(name)) {
					const attrName = `http.response.header.${name}`;
					if (!Object.hasOwn(spanAttributes, attrName)) spanAttributes[attrName] = [value.toString()];
					else spanAttributes[attrName].push(value.toString());
				}
			}
		}
		span.setAttributes(spanAttributes);
		span.setStatus({ code: isError ? SpanStatusCode.ERROR : SpanStatusCode.UNSET });
		record.attributes = Object.assign(attributes, spanAttributes);
	}
	onDone({ request }) {
		const record = this._recordFromReq.get(request);
		if (!record) return;
		const { span, attributes, startTime } = record;
		span.end();
		this._recordFromReq.delete(request);
		this.recordRequestDuration(attributes, startTime);
	}
	onError({ request, error }) {
		const record = this._recordFromReq.get(request);
		if (!record) return;
		const { span, attributes, startTime } = record;
		if (error.name === "AbortError" || typeof DOMException !== "undefined" && error instanceof DOMException && error.code === DOMException.ABORT_ERR) span.end();
		else {
			const errorType = error.code || error.name || "Error";
			attributes[ATTR_ERROR_TYPE] = errorType;
			span.setAttribute(ATTR_ERROR_TYPE, errorType);
			span.recordException(error);
			span.setStatus({
				code: SpanStatusCode.ERROR,
				message: error.message
			});
			span.end();
		}
		this._recordFromReq.delete(request);
		this.recordRequestDuration(attributes, startTime);
	}
	recordRequestDuration(attributes, startTime) {
		const metricsAttributes = {};
		[
			ATTR_HTTP_RESPONSE_STATUS_CODE,
			ATTR_HTTP_REQUEST_METHOD,
			ATTR_SERVER_ADDRESS,
			ATTR_SERVER_PORT,
			ATTR_URL_SCHEME,
			ATTR_ERROR_TYPE,
			ATTR_NETWORK_PROTOCOL_VERSION
		].forEach((key) => {
			if (key in attributes) metricsAttributes[key] = attributes[key];
		});
		const durationSeconds = hrTimeToMilliseconds(hrTimeDuration(startTime, hrTime())) / 1e3;
		this._httpClientDurationHistogram.record(durationSeconds, metricsAttributes);
	}
	getRequestMethod(original) {
		if (original.toUpperCase() in {
			CONNECT: true,
			OPTIONS: true,
			HEAD: true,
			GET: true,
			POST: true,
			PUT: true,
			PATCH: true,
			DELETE: true,
			TRACE: true,
			QUERY: true
		}) return original.toUpperCase();
		return "_OTHER";
	}
};
export { UndiciInstrumentation };
