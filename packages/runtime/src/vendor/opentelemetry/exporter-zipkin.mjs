// Bundled by tools/src/install/bundled-packages.ts from the packages ../manifest.json lists under "opentelemetry": do not edit.
import { M as getStringFromEnv, Z as ExportResultCode, tt as hrTimeToMicroseconds } from "./shared-CQQBQ492.mjs";
import { d as SpanStatusCode, f as SpanKind, o as diag } from "./shared-CUbQkKq7.mjs";
import * as http from "http";
import * as https from "https";
// node_modules/@opentelemetry/exporter-zipkin/dist/transform.mjs
const ZIPKIN_SPAN_KIND_MAPPING = {
	[SpanKind.CLIENT]: "CLIENT",
	[SpanKind.SERVER]: "SERVER",
	[SpanKind.CONSUMER]: "CONSUMER",
	[SpanKind.PRODUCER]: "PRODUCER",
	[SpanKind.INTERNAL]: void 0
};
/**
* Translate OpenTelemetry ReadableSpan to ZipkinSpan format
* @param span Span to be translated
*/
function toZipkinSpan(span, serviceName, statusCodeTagName, statusErrorTagName) {
	return {
		traceId: span.spanContext().traceId,
		parentId: span.parentSpanContext?.spanId,
		name: span.name,
		id: span.spanContext().spanId,
		kind: ZIPKIN_SPAN_KIND_MAPPING[span.kind],
		timestamp: hrTimeToMicroseconds(span.startTime),
		duration: Math.round(hrTimeToMicroseconds(span.duration)),
		localEndpoint: { serviceName },
		tags: _toZipkinTags(span, statusCodeTagName, statusErrorTagName),
		annotations: span.events.length ? _toZipkinAnnotations(span.events) : void 0
	};
}
/** Converts OpenTelemetry Span properties to Zipkin Tags format. */
function _toZipkinTags({ attributes, resource, status, droppedAttributesCount, droppedEventsCount, droppedLinksCount }, statusCodeTagName, statusErrorTagName) {
	const tags = {};
	for (const key of Object.keys(attributes)) tags[key] = String(attributes[key]);
	if (status.code !== SpanStatusCode.UNSET) tags[statusCodeTagName] = String(SpanStatusCode[status.code]);
	if (status.code === SpanStatusCode.ERROR && status.message) tags[statusErrorTagName] = status.message;
	if (droppedAttributesCount) tags["otel.dropped_attributes_count"] = String(droppedAttributesCount);
	if (droppedEventsCount) tags["otel.dropped_events_count"] = String(droppedEventsCount);
	if (droppedLinksCount) tags["otel.dropped_links_count"] = String(droppedLinksCount);
	Object.keys(resource.attributes).forEach((name) => tags[name] = String(resource.attributes[name]));
	return tags;
}
/**
* Converts OpenTelemetry Events to Zipkin Annotations format.
*/
function _toZipkinAnnotations(events) {
	return events.map((event) => ({
		timestamp: Math.round(hrTimeToMicroseconds(event.time)),
		value: event.name
	}));
}
// node_modules/@opentelemetry/exporter-zipkin/dist/utils.mjs
function prepareGetHeaders(getExportRequestHeaders) {
	return function() {
		return getExportRequestHeaders();
	};
}
// node_modules/@opentelemetry/exporter-zipkin/dist/platform/node/util.mjs
/**
* Prepares send function that will send spans to the remote Zipkin service.
* @param urlStr - url to send spans
* @param headers - headers
* send
*/
function prepareSend(urlStr, headers) {
	const url = new URL(urlStr);
	const reqOpts = Object.assign({
		method: "POST",
		headers: {
			"Content-Type": "application/json",
			...headers
		}
	});
	/**
	* Send spans to the remote Zipkin service.
	*/
	return function send(zipkinSpans, done) {
		if (zipkinSpans.length === 0) {
			diag.debug("Zipkin send with empty spans");
			return done({ code: ExportResultCode.SUCCESS });
		}
		const { request } = url.protocol === "http:" ? http : https;
		const req = request(url, reqOpts, (res) => {
			let rawData = "";
			res.on("data", (chunk) => {
				rawData += chunk;
			});
			res.on("end", () => {
				const statusCode = res.statusCode || 0;
				diag.debug(`Zipkin response status code: ${statusCode}, body: ${rawData}`);
				if (statusCode < 400) return done({ code: ExportResultCode.SUCCESS });
				else return done({
					code: ExportResultCode.FAILED,
					error: /* @__PURE__ */ new Error(`Got unexpected status code from zipkin: ${statusCode}`)
				});
			});
		});
		req.on("error", (error) => {
			return done({
				code: ExportResultCode.FAILED,
				error
			});
		});
		const payload = JSON.stringify(zipkinSpans);
		diag.debug(`Zipkin request payload: ${payload}`);
		req.write(payload, "utf8");
		req.end();
	};
}
// node_modules/@opentelemetry/exporter-zipkin/dist/zipkin.mjs
/**
* Zipkin Exporter
*/
var ZipkinExporter = class {
	DEFAULT_SERVICE_NAME = "OpenTelemetry Service";
	_statusCodeTagName;
	_statusDescriptionTagName;
	_urlStr;
	_send;
	_getHeaders;
	_serviceName;
	_isShutdown;
	_sendingPromises = [];
	constructor(config = {}) {
		this._urlStr = config.url || (getStringFromEnv("OTEL_EXPORTER_ZIPKIN_ENDPOINT") ?? "http://localhost:9411/api/v2/spans");
		this._send = prepareSend(this._urlStr, config.headers);
		this._serviceName = config.serviceName;
		this._statusCodeTagName = config.statusCodeTagName || "otel.status_code";
		this._statusDescriptionTagName = config.statusDescriptionTagName || "error";
		this._isShutdown = false;
		if (typeof config.getExportRequestHeaders === "function") this._getHeaders = prepareGetHeaders(config.getExportRequestHeaders);
		else this._beforeSend = function() {};
	}
	/**
	* Export spans.
	*/
	export(spans, resultCallback) {
		const serviceName = String(this._serviceName || spans[0].resource.attributes["service.name"] || this.DEFAULT_SERVICE_NAME);
		diag.debug("Zipkin exporter export");
		if (this._isShutdown) {
			setTimeout(() => resultCallback({
				code: ExportResultCode.FAILED,
				error: /* @__PURE__ */ new Error("Exporter has been shutdown")
			}));
			return;
		}
		const promise = new Promise((resolve) => {
			this._sendSpans(spans, serviceName, (result) => {
				resolve();
				resultCallback(result);
			});
		});
		this._sendingPromises.push(promise);
		const popPromise = () => {
			const index = this._sendingPromises.indexOf(promise);
			this._sendingPromises.splice(index, 1);
		};
		promise.then(popPromise, popPromise);
	}
	/**
	* Shutdown exporter. Noop operation in this exporter.
	*/
	shutdown() {
		diag.debug("Zipkin exporter shutdown");
		this._isShutdown = true;
		return this.forceFlush();
	}
	/**
	* Exports any pending spans in exporter
	*/
	forceFlush() {
		return new Promise((resolve, reject) => {
			Promise.all(this._sendingPromises).then(() => {
				resolve();
			}, reject);
		});
	}
	/**
	* if user defines getExportRequestHeaders in config then this will be called
	* every time before send, otherwise it will be replaced with noop in
	* constructor
	* @default noop
	*/
	_beforeSend() {
		if (this._getHeaders) this._send = prepareSend(this._urlStr, this._getHeaders());
	}
	/**
	* Transform spans and sends to Zipkin service.
	*/
	_sendSpans(spans, serviceName, done) {
		const zipkinSpans = spans.map((span) => toZipkinSpan(span, String(span.attributes["service.name"] || span.resource.attributes["service.name"] || serviceName), this._statusCodeTagName, this._statusDescriptionTagName));
		this._beforeSend();
		return this._send(zipkinSpans, (result) => {
			if (done) return done(result);
		});
	}
};
export { ZipkinExporter, prepareSend };
