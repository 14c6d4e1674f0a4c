// Bundled by tools/src/install/bundled-packages.ts from the packages ../manifest.json lists under "opentelemetry": do not edit.
import { O as ROOT_CONTEXT, T as ValueType, d as SpanStatusCode, f as SpanKind, n as trace, o as diag, r as propagation, s as context } from "./shared-CUbQkKq7.mjs";
import { $ as hrTime, Et as suppressTracing, T as ATTR_URL_FULL, a as ATTR_DB_OPERATION_NAME, et as hrTimeDuration, i as ATTR_DB_NAMESPACE, m as ATTR_HTTP_RESPONSE_STATUS_CODE, nt as hrTimeToMilliseconds, o as ATTR_DB_QUERY_TEXT, s as ATTR_DB_SYSTEM_NAME } from "./shared-CQQBQ492.mjs";
import { a as isWrapped, c as InstrumentationNodeModuleDefinition, n as InstrumentationBase, o as safeExecuteInTheMiddle, t as InstrumentationNodeModuleFile } from "./shared-DUNip8zP.mjs";
// node_modules/@opentelemetry/instrumentation-aws-sdk/dist/semconv.mjs
/**
* The JSON-serialized value of each item in the `AttributeDefinitions` request field.
*
* @example ["{ "AttributeName": "string", "AttributeType": "string" }"]
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_AWS_DYNAMODB_ATTRIBUTE_DEFINITIONS = "aws.dynamodb.attribute_definitions";
/**
* The value of the `ConsistentRead` request parameter.
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_AWS_DYNAMODB_CONSISTENT_READ = "aws.dynamodb.consistent_read";
/**
* The JSON-serialized value of each item in the `ConsumedCapacity` response field.
*
* @example ["{ "CapacityUnits": number, "GlobalSecondaryIndexes": { "string" : { "CapacityUnits": number, "ReadCapacityUnits": number, "WriteCapacityUnits": number } }, "LocalSecondaryIndexes": { "string" : { "CapacityUnits": number, "ReadCapacityUnits": number, "WriteCapacityUnits": number } }, "ReadCapacityUnits": number, "Table": { "CapacityUnits": number, "ReadCapacityUnits": number, "WriteCapacityUnits": number }, "TableName": "string", "WriteCapacityUnits": number }"]
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_AWS_DYNAMODB_CONSUMED_CAPACITY = "aws.dynamodb.consumed_capacity";
/**
* The value of the `Count` response parameter.
*
* @example 10
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_AWS_DYNAMODB_COUNT = "aws.dynamodb.count";
/**
* The value of the `ExclusiveStartTableName` request parameter.
*
* @example Users
* @example CatsTable
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_AWS_DYNAMODB_EXCLUSIVE_START_TABLE = "aws.dynamodb.exclusive_start_table";
/**
* The JSON-serialized value of each item of the `GlobalSecondaryIndexes` request field
*
* @example ["{ "IndexName": "string", "KeySchema": [ { "AttributeName": "string", "KeyType": "string" } ], "Projection": { "NonKeyAttributes": [ "string" ], "ProjectionType": "string" }, "ProvisionedThroughput": { "ReadCapacityUnits": number, "WriteCapacityUnits": number } }"]
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_AWS_DYNAMODB_GLOBAL_SECONDARY_INDEXES = "aws.dynamodb.global_secondary_indexes";
/**
* The JSON-serialized value of each item in the `GlobalSecondaryIndexUpdates` request field.
*
* @example ["{ "Create": { "IndexName": "string", "KeySchema": [ { "AttributeName": "string", "KeyType": "string" } ], "Projection": { "NonKeyAttributes": [ "string" ], "ProjectionType": "string" }, "ProvisionedThroughput": { "ReadCapacityUnits": number, "WriteCapacityUnits": number } }"]
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_AWS_DYNAMODB_GLOBAL_SECONDARY_INDEX_UPDATES = "aws.dynamodb.global_secondary_index_updates";
/**
* The value of the `IndexName` request parameter.
*
* @example name_to_group
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_AWS_DYNAMODB_INDEX_NAME = "aws.dynamodb.index_name";
/**
* The JSON-serialized value of the `ItemCollectionMetrics` response field.
*
* @example { "string" : [ { "ItemCollectionKey": { "string" : { "B": blob, "BOOL": boolean, "BS": [ blob ], "L": [ "AttributeValue" ], "M": { "string" : "AttributeValue" }, "N": "string", "NS": [ "string" ], "NULL": boolean, "S": "string", "SS": [ "string" ] } }, "SizeEstimateRangeGB": [ number ] } ] }
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_AWS_DYNAMODB_ITEM_COLLECTION_METRICS = "aws.dynamodb.item_collection_metrics";
/**
* The value of the `Limit` request parameter.
*
* @example 10
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_AWS_DYNAMODB_LIMIT = "aws.dynamodb.limit";
/**
* The JSON-serialized value of each item of the `LocalSecondaryIndexes` request field.
*
* @example ["{ "IndexArn": "string", "IndexName": "string", "IndexSizeBytes": number, "ItemCount": number, "KeySchema": [ { "AttributeName": "string", "KeyType": "string" } ], "Projection": { "NonKeyAttributes": [ "string" ], "ProjectionType": "string" } }"]
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_AWS_DYNAMODB_LOCAL_SECONDARY_INDEXES = "aws.dynamodb.local_secondary_indexes";
/**
* The value of the `ProjectionExpression` request parameter.
*
* @example Title
* @example Title, Price, Color
* @example Title, Description, RelatedItems, ProductReviews
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_AWS_DYNAMODB_PROJECTION = "aws.dynamodb.projection";
/**
* The value of the `ProvisionedThroughput.ReadCapacityUnits` request parameter.
*
* @example 1.0
* @example 2.0
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_AWS_DYNAMODB_PROVISIONED_READ_CAPACITY = "aws.dynamodb.provisioned_read_capacity";
/**
* The value of the `ProvisionedThroughput.WriteCapacityUnits` request parameter.
*
* @example 1.0
* @example 2.0
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_AWS_DYNAMODB_PROVISIONED_WRITE_CAPACITY = "aws.dynamodb.provisioned_write_capacity";
/**
* The value of the `ScannedCount` response parameter.
*
* @example 50
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_AWS_DYNAMODB_SCANNED_COUNT = "aws.dynamodb.scanned_count";
/**
* The value of the `ScanIndexForward` request parameter.
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_AWS_DYNAMODB_SCAN_FORWARD = "aws.dynamodb.scan_forward";
/**
* The value of the `Segment` request parameter.
*
* @example 10
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_AWS_DYNAMODB_SEGMENT = "aws.dynamodb.segment";
/**
* The value of the `Select` request parameter.
*
* @example ALL_ATTRIBUTES
* @example COUNT
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_AWS_DYNAMODB_SELECT = "aws.dynamodb.select";
/**
* The number of items in the `TableNames` response parameter.
*
* @example 20
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_AWS_DYNAMODB_TABLE_COUNT = "aws.dynamodb.table_count";
/**
* The keys in the `RequestItems` object field.
*
* @example ["Users", "Cats"]
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_AWS_DYNAMODB_TABLE_NAMES = "aws.dynamodb.table_names";
/**
* The value of the `TotalSegments` request parameter.
*
* @example 100
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_AWS_DYNAMODB_TOTAL_SEGMENTS = "aws.dynamodb.total_segments";
/**
* The ARN of the Secret stored in the Secrets Mangger
*
* @example arn:aws:secretsmanager:us-east-1:123456789012:secret:SecretName-6RandomCharacters
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_AWS_SECRETSMANAGER_SECRET_ARN = "aws.secretsmanager.secret.arn";
/**
* The ARN of the AWS SNS Topic. An Amazon SNS [topic](https://docs.aws.amazon.com/sns/latest/dg/sns-create-topic.html) is a logical access point that acts as a communication channel.
*
* @example arn:aws:sns:us-east-1:123456789012:mystack-mytopic-NZJ5JSMVGFIE
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_AWS_SNS_TOPIC_ARN = "aws.sns.topic.arn";
/**
* The ARN of the AWS Step Functions Activity.
*
* @example arn:aws:states:us-east-1:123456789012:activity:get-greeting
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_AWS_STEP_FUNCTIONS_ACTIVITY_ARN = "aws.step_functions.activity.arn";
/**
* The ARN of the AWS Step Functions State Machine.
*
* @example arn:aws:states:us-east-1:123456789012:stateMachine:myStateMachine:1
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_AWS_STEP_FUNCTIONS_STATE_MACHINE_ARN = "aws.step_functions.state_machine.arn";
/**
* The name of the invoked function.
*
* @example "my-function"
*
* @note **SHOULD** be equal to the `faas.name` resource attribute of the invoked function.
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_FAAS_INVOKED_NAME = "faas.invoked_name";
/**
* The cloud provider of the invoked function.
*
* @note **SHOULD** be equal to the `cloud.provider` resource attribute of the invoked function.
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_FAAS_INVOKED_PROVIDER = "faas.invoked_provider";
/**
* The cloud region of the invoked function.
*
* @example "eu-central-1"
*
* @note **SHOULD** be equal to the `cloud.region` resource attribute of the invoked function.
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_FAAS_INVOKED_REGION = "faas.invoked_region";
/**
* The name of the operation being performed.
*
* @note If one of the predefined values applies, but specific system uses a different name it's **RECOMMENDED** to document it in the semantic conventions for specific GenAI system and use system-specific name in the instrumentation. If a different name is not documented, instrumentation libraries **SHOULD** use applicable predefined value.
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_GEN_AI_OPERATION_NAME = "gen_ai.operation.name";
/**
* The maximum number of tokens the model generates for a request.
*
* @example 100
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_GEN_AI_REQUEST_MAX_TOKENS = "gen_ai.request.max_tokens";
/**
* The name of the GenAI model a request is being made to.
*
* @example "gpt-4"
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_GEN_AI_REQUEST_MODEL = "gen_ai.request.model";
/**
* List of sequences that the model will use to stop generating further tokens.
*
* @example ["forest", "lived"]
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_GEN_AI_REQUEST_STOP_SEQUENCES = "gen_ai.request.stop_sequences";
/**
* The temperature setting for the GenAI request.
*
* @example 0.0
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_GEN_AI_REQUEST_TEMPERATURE = "gen_ai.request.temperature";
/**
* The top_p sampling setting for the GenAI request.
*
* @example 1.0
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_GEN_AI_REQUEST_TOP_P = "gen_ai.request.top_p";
/**
* Array of reasons the model stopped generating tokens, corresponding to each generation received.
*
* @example ["stop"]
* @example ["stop", "length"]
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = "gen_ai.response.finish_reasons";
/**
* Deprecated, use `gen_ai.provider.name` instead.
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*
* @deprecated Replaced by `gen_ai.provider.name`.
*/
const ATTR_GEN_AI_SYSTEM = "gen_ai.system";
/**
* The type of token being counted.
*
* @example input
* @example output
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_GEN_AI_TOKEN_TYPE = "gen_ai.token.type";
/**
* The number of tokens used in the GenAI input (prompt).
*
* @example 100
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_GEN_AI_USAGE_INPUT_TOKENS = "gen_ai.usage.input_tokens";
/**
* The number of tokens used in the GenAI response (completion).
*
* @example 180
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
/**
* The number of messages sent, received, or processed in the scope of the batching operation.
*
* @example 0
* @example 1
* @example 2
*
* @note Instrumentations **SHOULD NOT** set `messaging.batch.message_count` on spans that operate with a single message. When a messaging client library supports both batch and single-message API for the same operation, instrumentations **SHOULD** use `messaging.batch.message_count` for batching APIs and **SHOULD NOT** use it for single-message APIs.
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_MESSAGING_BATCH_MESSAGE_COUNT = "messaging.batch.message_count";
/**
* The message destination name
*
* @example MyQueue
* @example MyTopic
*
* @note Destination name **SHOULD** uniquely identify a specific queue, topic or other entity within the broker. If
* the broker doesn't have such notion, the destination name **SHOULD** uniquely identify the broker.
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_MESSAGING_DESTINATION_NAME = "messaging.destination.name";
/**
* A value used by the messaging system as an identifier for the message, represented as a string.
*
* @example "452a7c7c7c7048c2f887f61572b18fc2"
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_MESSAGING_MESSAGE_ID = "messaging.message.id";
/**
* A string identifying the type of the messaging operation.
*
* @note If a custom value is used, it **MUST** be of low cardinality.
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_MESSAGING_OPERATION_TYPE = "messaging.operation.type";
/**
* The messaging system as identified by the client instrumentation.
*
* @note The actual messaging system may differ from the one known by the client. For example, when using Kafka client libraries to communicate with Azure Event Hubs, the `messaging.system` is set to `kafka` based on the instrumentation's best knowledge.
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_MESSAGING_SYSTEM = "messaging.system";
/**
* The name of the (logical) method being called, must be equal to the $method part in the span name.
*
* @example "exampleMethod"
*
* @note This is the logical name of the method from the RPC interface perspective, which can be different from the name of any implementing method/function. The `code.function.name` attribute may be used to store the latter (e.g., method actually executing the call on the server side, RPC client stub method on the client side).
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_RPC_METHOD = "rpc.method";
/**
* The full (logical) name of the service being called, including its package name, if applicable.
*
* @example "myservice.EchoService"
*
* @note This is the logical name of the service from the RPC interface perspective, which can be different from the name of any implementing class. The `code.namespace` attribute may be used to store the latter (despite the attribute name, it may include a class name; e.g., class with method actually executing the call on the server side, RPC client stub class on the client side).
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_RPC_SERVICE = "rpc.service";
/**
* A string identifying the remoting system. See below for a list of well-known identifiers.
*
* @experimental This attribute is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const ATTR_RPC_SYSTEM = "rpc.system";
/**
* Enum value "dynamodb" for attribute ATTR_DB_SYSTEM_NAME.
*
* Amazon DynamoDB
*
* @experimental This enum value is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const DB_SYSTEM_NAME_VALUE_DYNAMODB = "dynamodb";
/**
* Enum value "chat" for attribute {@link ATTR_GEN_AI_OPERATION_NAME}.
*
* Chat completion operation such as [OpenAI Chat API](https://platform.openai.com/docs/api-reference/chat)
*
* @experimental This enum value is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const GEN_AI_OPERATION_NAME_VALUE_CHAT = "chat";
/**
* Enum value "aws.bedrock" for attribute {@link ATTR_GEN_AI_SYSTEM}.
*
* AWS Bedrock
*
* @experimental This enum value is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const GEN_AI_SYSTEM_VALUE_AWS_BEDROCK = "aws.bedrock";
/**
* Enum value "input" for attribute {@link ATTR_GEN_AI_TOKEN_TYPE}.
*
* Input tokens (prompt, input, etc.)
*
* @experimental This enum value is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const GEN_AI_TOKEN_TYPE_VALUE_INPUT = "input";
/**
* Enum value "output" for attribute {@link ATTR_GEN_AI_TOKEN_TYPE}.
*
* Output tokens (completion, response, etc.)
*
* @experimental This enum value is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const GEN_AI_TOKEN_TYPE_VALUE_OUTPUT = "output";
/**
* GenAI operation duration.
*
* @experimental This metric is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = "gen_ai.client.operation.duration";
/**
* Number of input and output tokens used.
*
* @experimental This metric is experimental and is subject to breaking changes in minor releases of `@opentelemetry/semantic-conventions`.
*/
const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = "gen_ai.client.token.usage";
// node_modules/@opentelemetry/instrumentation-aws-sdk/dist/services/MessageAttributes.mjs
var ContextSetter = class {
	set(carrier, key, value) {
		carrier[key] = {
			DataType: "String",
			StringValue: value
		};
	}
};
const contextSetter = new ContextSetter();
var ContextGetter = class {
	keys(carrier) {
		if (carrier == null) return [];
		return Object.keys(carrier);
	}
	get(carrier, key) {
		return carrier?.[key]?.StringValue || carrier?.[key]?.Value;
	}
};
const contextGetter = new ContextGetter();
const injectPropagationContext = (attributesMap) => {
	const attributes = attributesMap ?? {};
	if (Object.keys(attributes).length + propagation.fields().length <= 10) propagation.inject(context.active(), attributes, contextSetter);
	else diag.warn("aws-sdk instrumentation: cannot set context propagation on SQS/SNS message due to maximum amount of MessageAttributes");
	return attributes;
};
const extractPropagationContext = (message, sqsExtractContextPropagationFromPayload) => {
	const propagationFields = propagation.fields();
	if (Object.keys(message.MessageAttributes || []).some((attr) => propagationFields.includes(attr))) return message.MessageAttributes;
	else if (sqsExtractContextPropagationFromPayload && message.Body) try {
		return JSON.parse(message.Body).MessageAttributes;
	} catch {
		diag.debug("failed to parse SQS payload to extract context propagation, trace might be incomplete.");
	}
};
const addPropagationFieldsToAttributeNames = (messageAttributeNames = [], propagationFields) => {
	return messageAttributeNames.length ? Array.from(/* @__PURE__ */ new Set([...messageAttributeNames, ...propagationFields])) : propagationFields;
};
// node_modules/@opentelemetry/instrumentation-aws-sdk/dist/services/sqs.mjs
var SqsServiceExtension = class {
	requestPreSpanHook(request, _config) {
		const queueUrl = this.extractQueueUrl(request.commandInput);
		const queueName = this.extractQueueNameFromUrl(queueUrl);
		let spanKind = SpanKind.CLIENT;
		let spanName;
		const spanAttributes = {
			[ATTR_MESSAGING_SYSTEM]: "aws_sqs",
			[ATTR_MESSAGING_DESTINATION_NAME]: queueName,
			[ATTR_URL_FULL]: queueUrl
		};
		let isIncoming = false;
		switch (request.commandName) {
			case "ReceiveMessage":
				isIncoming = true;
				spanKind = SpanKind.CONSUMER;
				spanName = `${queueName} receive`;
				spanAttributes[ATTR_MESSAGING_OPERATION_TYPE] = "receive";
				request.commandInput.MessageAttributeNames = addPropagationFieldsToAttributeNames(request.commandInput.MessageAttributeNames, propagation.fields());
				break;
			case "SendMessage":
			case "SendMessageBatch":
				spanKind = SpanKind.PRODUCER;
				spanName = `${queueName} send`;
		}
		return {
			isIncoming,
			spanAttributes,
			spanKind,
			spanName
		};
	}
	requestPostSpanHook = (request) => {
		switch (request.commandName) {
			case "SendMessage":
				{
					const origMessageAttributes = request.commandInput["MessageAttributes"] ?? {};
					if (origMessageAttributes) request.commandInput["MessageAttributes"] = injectPropagationContext(origMessageAttributes);
				}
				break;
			case "SendMessageBatch": {
				const entries = request.commandInput?.Entries;
				if (Array.isArray(entries)) entries.forEach((messageParams) => {
					messageParams.MessageAttributes = injectPropagationContext(messageParams.MessageAttributes ?? {});
				});
			}
		}
	};
	responseHook = (response, span, _tracer, config) => {
		switch (response.request.commandName) {
			case "SendMessage":
				span.setAttribute(ATTR_MESSAGING_MESSAGE_ID, response?.data?.MessageId);
				break;
			case "SendMessageBatch": break;
			case "ReceiveMessage": {
				const messages = response?.data?.Messages || [];
				span.setAttribute(ATTR_MESSAGING_BATCH_MESSAGE_COUNT, messages.length);
				for (const message of messages) {
					const propagatedContext = propagation.extract(ROOT_CONTEXT, extractPropagationContext(message, config.sqsExtractContextPropagationFromPayload), contextGetter);
					const spanContext = trace.getSpanContext(propagatedContext);
					if (spanContext) span.addLink({
						context: spanContext,
						attributes: { [ATTR_MESSAGING_MESSAGE_ID]: message.MessageId }
					});
				}
				break;
			}
		}
	};
	extractQueueUrl = (commandInput) => {
		return commandInput?.QueueUrl;
	};
	extractQueueNameFromUrl = (queueUrl) => {
		if (!queueUrl) return void 0;
		const segments = queueUrl.split("/");
		if (segments.length === 0) return void 0;
		return segments[segments.length - 1];
	};
};
// node_modules/@opentelemetry/instrumentation-aws-sdk/dist/services/bedrock-runtime.mjs
var BedrockRuntimeServiceExtension = class BedrockRuntimeServiceExtension {
	tokenUsage;
	operationDuration;
	_diag = diag;
	updateMetricInstruments(meter) {
		this.tokenUsage = meter.createHistogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
			unit: "{token}",
			description: "Measures number of input and output tokens used",
			valueType: ValueType.INT,
			advice: { explicitBucketBoundaries: [
				1,
				4,
				16,
				64,
				256,
				1024,
				4096,
				16384,
				65536,
				262144,
				1048576,
				4194304,
				16777216,
				67108864
			] }
		});
		this.operationDuration = meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
			unit: "s",
			description: "GenAI operation duration",
			advice: { explicitBucketBoundaries: [
				.01,
				.02,
				.04,
				.08,
				.16,
				.32,
				.64,
				1.28,
				2.56,
				5.12,
				10.24,
				20.48,
				40.96,
				81.92
			] }
		});
	}
	requestPreSpanHook(request, config, diag) {
		switch (request.commandName) {
			case "Converse": return this.requestPreSpanHookConverse(request, config, diag, false);
			case "ConverseStream": return this.requestPreSpanHookConverse(request, config, diag, true);
			case "InvokeModel": return this.requestPreSpanHookInvokeModel(request, config, diag, false);
			case "InvokeModelWithResponseStream": return this.requestPreSpanHookInvokeModel(request, config, diag, true);
		}
		return { isIncoming: false };
	}
	requestPreSpanHookConverse(request, config, diag, isStream) {
		let spanName = GEN_AI_OPERATION_NAME_VALUE_CHAT;
		const spanAttributes = {
			[ATTR_GEN_AI_SYSTEM]: GEN_AI_SYSTEM_VALUE_AWS_BEDROCK,
			[ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_CHAT
		};
		const modelId = request.commandInput.modelId;
		if (modelId) {
			spanAttributes[ATTR_GEN_AI_REQUEST_MODEL] = modelId;
			if (spanName) spanName += ` ${modelId}`;
		}
		const inferenceConfig = request.commandInput.inferenceConfig;
		if (inferenceConfig) {
			const { maxTokens, temperature, topP, stopSequences } = inferenceConfig;
			if (maxTokens !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_MAX_TOKENS] = maxTokens;
			if (temperature !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_TEMPERATURE] = temperature;
			if (topP !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_TOP_P] = topP;
			if (stopSequences !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = stopSequences;
		}
		return {
			spanName,
			isIncoming: false,
			isStream,
			spanAttributes
		};
	}
	requestPreSpanHookInvokeModel(request, config, diag, isStream) {
		let spanName;
		const spanAttributes = { [ATTR_GEN_AI_SYSTEM]: GEN_AI_SYSTEM_VALUE_AWS_BEDROCK };
		const modelId = request.commandInput?.modelId;
		if (modelId) spanAttributes[ATTR_GEN_AI_REQUEST_MODEL] = modelId;
		if (request.commandInput?.body) {
			const requestBody = JSON.parse(request.commandInput.body);
			if (modelId.includes("amazon.titan")) {
				if (requestBody.textGenerationConfig?.temperature !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_TEMPERATURE] = requestBody.textGenerationConfig.temperature;
				if (requestBody.textGenerationConfig?.topP !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_TOP_P] = requestBody.textGenerationConfig.topP;
				if (requestBody.textGenerationConfig?.maxTokenCount !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_MAX_TOKENS] = requestBody.textGenerationConfig.maxTokenCount;
				if (requestBody.textGenerationConfig?.stopSequences !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = requestBody.textGenerationConfig.stopSequences;
			} else if (modelId.includes("amazon.nova")) {
				if (requestBody.inferenceConfig?.temperature !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_TEMPERATURE] = requestBody.inferenceConfig.temperature;
				if (requestBody.inferenceConfig?.top_p !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_TOP_P] = requestBody.inferenceConfig.top_p;
				if (requestBody.inferenceConfig?.max_new_tokens !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_MAX_TOKENS] = requestBody.inferenceConfig.max_new_tokens;
				if (requestBody.inferenceConfig?.stopSequences !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = requestBody.inferenceConfig.stopSequences;
			} else if (modelId.includes("anthropic.claude")) {
				if (requestBody.max_tokens !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_MAX_TOKENS] = requestBody.max_tokens;
				if (requestBody.temperature !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_TEMPERATURE] = requestBody.temperature;
				if (requestBody.top_p !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_TOP_P] = requestBody.top_p;
				if (requestBody.stop_sequences !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = requestBody.stop_sequences;
			} else if (modelId.includes("meta.llama")) {
				if (requestBody.max_gen_len !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_MAX_TOKENS] = requestBody.max_gen_len;
				if (requestBody.temperature !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_TEMPERATURE] = requestBody.temperature;
				if (requestBody.top_p !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_TOP_P] = requestBody.top_p;
			} else if (modelId.includes("cohere.command-r")) {
				if (requestBody.max_tokens !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_MAX_TOKENS] = requestBody.max_tokens;
				if (requestBody.temperature !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_TEMPERATURE] = requestBody.temperature;
				if (requestBody.p !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_TOP_P] = requestBody.p;
				if (requestBody.message !== void 0) spanAttributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS] = Math.ceil(requestBody.message.length / 6);
				if (requestBody.stop_sequences !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = requestBody.stop_sequences;
			} else if (modelId.includes("cohere.command")) {
				if (requestBody.max_tokens !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_MAX_TOKENS] = requestBody.max_tokens;
				if (requestBody.temperature !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_TEMPERATURE] = requestBody.temperature;
				if (requestBody.p !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_TOP_P] = requestBody.p;
				if (requestBody.prompt !== void 0) spanAttributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS] = Math.ceil(requestBody.prompt.length / 6);
				if (requestBody.stop_sequences !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = requestBody.stop_sequences;
			} else if (modelId.includes("mistral")) {
				if (requestBody.prompt !== void 0) spanAttributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS] = Math.ceil(requestBody.prompt.length / 6);
				if (requestBody.max_tokens !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_MAX_TOKENS] = requestBody.max_tokens;
				if (requestBody.temperature !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_TEMPERATURE] = requestBody.temperature;
				if (requestBody.top_p !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_TOP_P] = requestBody.top_p;
				if (requestBody.stop !== void 0) spanAttributes[ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = requestBody.stop;
			}
		}
		return {
			spanName,
			isIncoming: false,
			isStream,
			spanAttributes
		};
	}
	responseHook(response, span, tracer, config, startTime) {
		if (!span.isRecording()) return;
		switch (response.request.commandName) {
			case "Converse": return this.responseHookConverse(response, span, tracer, config, startTime);
			case "ConverseStream": return this.responseHookConverseStream(response, span, tracer, config, startTime);
			case "InvokeModel": return this.responseHookInvokeModel(response, span, tracer, config);
			case "InvokeModelWithResponseStream": return this.responseHookInvokeModelWithResponseStream(response, span, tracer, config);
		}
	}
	responseHookConverse(response, span, tracer, config, startTime) {
		const { stopReason, usage } = response.data;
		BedrockRuntimeServiceExtension.setStopReason(span, stopReason);
		this.setUsage(response, span, usage, startTime);
	}
	responseHookConverseStream(response, span, tracer, config, startTime) {
		return {
			...response.data,
			stream: this.wrapConverseStreamResponse(response, response.data.stream, span, startTime)
		};
	}
	async *wrapConverseStreamResponse(response, stream, span, startTime) {
		try {
			let usage;
			for await (const item of stream) {
				BedrockRuntimeServiceExtension.setStopReason(span, item.messageStop?.stopReason);
				usage = item.metadata?.usage;
				yield item;
			}
			this.setUsage(response, span, usage, startTime);
		} finally {
			span.end();
		}
	}
	static setStopReason(span, stopReason) {
		if (stopReason !== void 0) span.setAttribute(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, [stopReason]);
	}
	setUsage(response, span, usage, startTime) {
		const sharedMetricAttrs = {
			[ATTR_GEN_AI_SYSTEM]: GEN_AI_SYSTEM_VALUE_AWS_BEDROCK,
			[ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_CHAT,
			[ATTR_GEN_AI_REQUEST_MODEL]: response.request.commandInput.modelId
		};
		const durationSecs = hrTimeToMilliseconds(hrTimeDuration(startTime, hrTime())) / 1e3;
		this.operationDuration.record(durationSecs, sharedMetricAttrs);
		if (usage) {
			const { inputTokens, outputTokens } = usage;
			if (inputTokens !== void 0) {
				span.setAttribute(ATTR_GEN_AI_USAGE_INPUT_TOKENS, inputTokens);
				this.tokenUsage.record(inputTokens, {
					...sharedMetricAttrs,
					[ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUE_INPUT
				});
			}
			if (outputTokens !== void 0) {
				span.setAttribute(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, outputTokens);
				this.tokenUsage.record(outputTokens, {
					...sharedMetricAttrs,
					[ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUE_OUTPUT
				});
			}
		}
	}
	responseHookInvokeModel(response, span, tracer, config) {
		const currentModelId = response.request.commandInput?.modelId;
		if (response.data?.body) {
			const decodedResponseBody = new TextDecoder().decode(response.data.body);
			const responseBody = JSON.parse(decodedResponseBody);
			if (currentModelId.includes("amazon.titan")) {
				if (responseBody.inputTextTokenCount !== void 0) span.setAttribute(ATTR_GEN_AI_USAGE_INPUT_TOKENS, responseBody.inputTextTokenCount);
				if (responseBody.results?.[0]?.tokenCount !== void 0) span.setAttribute(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, responseBody.results[0].tokenCount);
				if (responseBody.results?.[0]?.completionReason !== void 0) span.setAttribute(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, [responseBody.results[0].completionReason]);
			} else if (currentModelId.includes("amazon.nova")) {
				if (responseBody.usage !== void 0) {
					if (responseBody.usage.inputTokens !== void 0) span.setAttribute(ATTR_GEN_AI_USAGE_INPUT_TOKENS, responseBody.usage.inputTokens);
					if (responseBody.usage.outputTokens !== void 0) span.setAttribute(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, responseBody.usage.outputTokens);
				}
				if (responseBody.stopReason !== void 0) span.setAttribute(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, [responseBody.stopReason]);
			} else if (currentModelId.includes("anthropic.claude")) {
				if (responseBody.usage?.input_tokens !== void 0) span.setAttribute(ATTR_GEN_AI_USAGE_INPUT_TOKENS, responseBody.usage.input_tokens);
				if (responseBody.usage?.output_tokens !== void 0) span.setAttribute(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, responseBody.usage.output_tokens);
				if (responseBody.stop_reason !== void 0) span.setAttribute(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, [responseBody.stop_reason]);
			} else if (currentModelId.includes("meta.llama")) {
				if (responseBody.prompt_token_count !== void 0) span.setAttribute(ATTR_GEN_AI_USAGE_INPUT_TOKENS, responseBody.prompt_token_count);
				if (responseBody.generation_token_count !== void 0) span.setAttribute(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, responseBody.generation_token_count);
				if (responseBody.stop_reason !== void 0) span.setAttribute(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, [responseBody.stop_reason]);
			} else if (currentModelId.includes("cohere.command-r")) {
				if (responseBody.text !== void 0) span.setAttribute(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, Math.ceil(responseBody.text.length / 6));
				if (responseBody.finish_reason !== void 0) span.setAttribute(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, [responseBody.finish_reason]);
			} else if (currentModelId.includes("cohere.command")) {
				if (responseBody.generations?.[0]?.text !== void 0) span.setAttribute(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, Math.ceil(responseBody.generations[0].text.length / 6));
				if (responseBody.generations?.[0]?.finish_reason !== void 0) span.setAttribute(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, [responseBody.generations[0].finish_reason]);
			} else if (currentModelId.includes("mistral")) {
				if (responseBody.outputs?.[0]?.text !== void 0) span.setAttribute(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, Math.ceil(responseBody.outputs[0].text.length / 6));
				if (responseBody.outputs?.[0]?.stop_reason !== void 0) span.setAttribute(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, [responseBody.outputs[0].stop_reason]);
			}
		}
	}
	async responseHookInvokeModelWithResponseStream(response, span, tracer, config) {
		const stream = response.data?.body;
		const modelId = response.request.commandInput?.modelId;
		if (!stream || !modelId) return;
		response.data.body = async function* () {
			try {
				for await (const chunk of stream) {
					const parsedChunk = this.parseChunk(chunk?.chunk?.bytes);
					if (!parsedChunk) {} else if (modelId.includes("amazon.titan")) BedrockRuntimeServiceExtension.recordTitanAttributes(parsedChunk, span);
					else if (modelId.includes("anthropic.claude")) BedrockRuntimeServiceExtension.recordClaudeAttributes(parsedChunk, span);
					else if (modelId.includes("amazon.nova")) BedrockRuntimeServiceExtension.recordNovaAttributes(parsedChunk, span);
					else if (modelId.includes("meta.llama")) BedrockRuntimeServiceExtension.recordLlamaAttributes(parsedChunk, span);
					else if (modelId.includes("cohere.command-r")) BedrockRuntimeServiceExtension.recordCohereRAttributes(parsedChunk, span);
					else if (modelId.includes("cohere.command")) BedrockRuntimeServiceExtension.recordCohereAttributes(parsedChunk, span);
					else if (modelId.includes("mistral")) BedrockRuntimeServiceExtension.recordMistralAttributes(parsedChunk, span);
					yield chunk;
				}
			} finally {
				span.end();
			}
		}.bind(this)();
		return response.data;
	}
	parseChunk(bytes) {
		if (!bytes || !(bytes instanceof Uint8Array)) return null;
		try {
			const str = Buffer.from(bytes).toString("utf-8");
			return JSON.parse(str);
		} catch (err) {
			this._diag.warn("Failed to parse streamed chunk", err);
			return null;
		}
	}
	static recordNovaAttributes(parsedChunk, span) {
		if (parsedChunk.metadata?.usage !== void 0) {
			if (parsedChunk.metadata?.usage.inputTokens !== void 0) span.setAttribute(ATTR_GEN_AI_USAGE_INPUT_TOKENS, parsedChunk.metadata.usage.inputTokens);
			if (parsedChunk.metadata?.usage.outputTokens !== void 0) span.setAttribute(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, parsedChunk.metadata.usage.outputTokens);
		}
		if (parsedChunk.messageStop?.stopReason !== void 0) span.setAttribute(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, [parsedChunk.messageStop.stopReason]);
	}
	static recordClaudeAttributes(parsedChunk, span) {
		if (parsedChunk.message?.usage?.input_tokens !== void 0) span.setAttribute(ATTR_GEN_AI_USAGE_INPUT_TOKENS, parsedChunk.message.usage.input_tokens);
		if (parsedChunk.message?.usage?.output_tokens !== void 0) span.setAttribute(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, parsedChunk.message.usage.output_tokens);
		if (parsedChunk.delta?.stop_reason !== void 0) span.setAttribute(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, [parsedChunk.delta.stop_reason]);
	}
	static recordTitanAttributes(parsedChunk, span) {
		if (parsedChunk.inputTextTokenCount !== void 0) span.setAttribute(ATTR_GEN_AI_USAGE_INPUT_TOKENS, parsedChunk.inputTextTokenCount);
		if (parsedChunk.totalOutputTextTokenCount !== void 0) span.setAttribute(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, parsedChunk.totalOutputTextTokenCount);
		if (parsedChunk.completionReason !== void 0) span.setAttribute(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, [parsedChunk.completionReason]);
	}
	static recordLlamaAttributes(parsedChunk, span) {
		if (parsedChunk.prompt_token_count !== void 0) span.setAttribute(ATTR_GEN_AI_USAGE_INPUT_TOKENS, parsedChunk.prompt_token_count);
		if (parsedChunk.generation_token_count !== void 0) span.setAttribute(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, parsedChunk.generation_token_count);
		if (parsedChunk.stop_reason !== void 0) span.setAttribute(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, [parsedChunk.stop_reason]);
	}
	static recordMistralAttributes(parsedChunk, span) {
		if (parsedChunk.outputs?.[0]?.text !== void 0) span.setAttribute(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, Math.ceil(parsedChunk.outputs[0].text.length / 6));
		if (parsedChunk.outputs?.[0]?.stop_reason !== void 0) span.setAttribute(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, [parsedChunk.outputs[0].stop_reason]);
	}
	static recordCohereAttributes(parsedChunk, span) {
		if (parsedChunk.generations?.[0]?.text !== void 0) span.setAttribute(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, Math.ceil(parsedChunk.generations[0].text.length / 6));
		if (parsedChunk.generations?.[0]?.finish_reason !== void 0) span.setAttribute(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, [parsedChunk.generations[0].finish_reason]);
	}
	static recordCohereRAttributes(parsedChunk, span) {
		if (parsedChunk.text !== void 0) span.setAttribute(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, Math.ceil(parsedChunk.text.length / 6));
		if (parsedChunk.finish_reason !== void 0) span.setAttribute(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, [parsedChunk.finish_reason]);
	}
};
// node_modules/@opentelemetry/instrumentation-aws-sdk/dist/services/dynamodb.mjs
var DynamodbServiceExtension = class {
	toArray(values) {
		return Array.isArray(values) ? values : [values];
	}
	requestPreSpanHook(normalizedRequest, config, diag) {
		const spanKind = SpanKind.CLIENT;
		let spanName;
		const isIncoming = false;
		const operation = normalizedRequest.commandName;
		const tableName = normalizedRequest.commandInput?.TableName;
		const spanAttributes = {};
		spanAttributes[ATTR_DB_SYSTEM_NAME] = DB_SYSTEM_NAME_VALUE_DYNAMODB;
		spanAttributes[ATTR_DB_NAMESPACE] = tableName;
		spanAttributes[ATTR_DB_OPERATION_NAME] = operation;
		if (config.dynamoDBStatementSerializer) try {
			const sanitizedStatement = config.dynamoDBStatementSerializer(operation, normalizedRequest.commandInput);
			if (typeof sanitizedStatement === "string") spanAttributes[ATTR_DB_QUERY_TEXT] = sanitizedStatement;
		} catch (err) {
			diag.error("failed to sanitize DynamoDB statement", err);
		}
		if (normalizedRequest.commandInput?.TableName) spanAttributes[ATTR_AWS_DYNAMODB_TABLE_NAMES] = [normalizedRequest.commandInput.TableName];
		else if (normalizedRequest.commandInput?.RequestItems) spanAttributes[ATTR_AWS_DYNAMODB_TABLE_NAMES] = Object.keys(normalizedRequest.commandInput.RequestItems);
		if (operation === "CreateTable" || operation === "UpdateTable") {
			if (normalizedRequest.commandInput?.ProvisionedThroughput) {
				spanAttributes[ATTR_AWS_DYNAMODB_PROVISIONED_READ_CAPACITY] = normalizedRequest.commandInput.ProvisionedThroughput.ReadCapacityUnits;
				spanAttributes[ATTR_AWS_DYNAMODB_PROVISIONED_WRITE_CAPACITY] = normalizedRequest.commandInput.ProvisionedThroughput.WriteCapacityUnits;
			}
		}
		if (operation === "GetItem" || operation === "Scan" || operation === "Query") {
			if (normalizedRequest.commandInput?.ConsistentRead) spanAttributes[ATTR_AWS_DYNAMODB_CONSISTENT_READ] = normalizedRequest.commandInput.ConsistentRead;
		}
		if (operation === "Query" || operation === "Scan") {
			if (normalizedRequest.commandInput?.ProjectionExpression) spanAttributes[ATTR_AWS_DYNAMODB_PROJECTION] = normalizedRequest.commandInput.ProjectionExpression;
		}
		if (operation === "CreateTable") {
			if (normalizedRequest.commandInput?.GlobalSecondaryIndexes) spanAttributes[ATTR_AWS_DYNAMODB_GLOBAL_SECONDARY_INDEXES] = this.toArray(normalizedRequest.commandInput.GlobalSecondaryIndexes).map((x) => JSON.stringify(x));
			if (normalizedRequest.commandInput?.LocalSecondaryIndexes) spanAttributes[ATTR_AWS_DYNAMODB_LOCAL_SECONDARY_INDEXES] = this.toArray(normalizedRequest.commandInput.LocalSecondaryIndexes).map((x) => JSON.stringify(x));
		}
		if (operation === "ListTables" || operation === "Query" || operation === "Scan") {
			if (normalizedRequest.commandInput?.Limit) spanAttributes[ATTR_AWS_DYNAMODB_LIMIT] = normalizedRequest.commandInput.Limit;
		}
		if (operation === "ListTables") {
			if (normalizedRequest.commandInput?.ExclusiveStartTableName) spanAttributes[ATTR_AWS_DYNAMODB_EXCLUSIVE_START_TABLE] = normalizedRequest.commandInput.ExclusiveStartTableName;
		}
		if (operation === "Query") {
			if (normalizedRequest.commandInput?.ScanIndexForward) spanAttributes[ATTR_AWS_DYNAMODB_SCAN_FORWARD] = normalizedRequest.commandInput.ScanIndexForward;
			if (normalizedRequest.commandInput?.IndexName) spanAttributes[ATTR_AWS_DYNAMODB_INDEX_NAME] = normalizedRequest.commandInput.IndexName;
			if (normalizedRequest.commandInput?.Select) spanAttributes[ATTR_AWS_DYNAMODB_SELECT] = normalizedRequest.commandInput.Select;
		}
		if (operation === "Scan") {
			if (normalizedRequest.commandInput?.Segment) spanAttributes[ATTR_AWS_DYNAMODB_SEGMENT] = normalizedRequest.commandInput?.Segment;
			if (normalizedRequest.commandInput?.TotalSegments) spanAttributes[ATTR_AWS_DYNAMODB_TOTAL_SEGMENTS] = normalizedRequest.commandInput?.TotalSegments;
			if (normalizedRequest.commandInput?.IndexName) spanAttributes[ATTR_AWS_DYNAMODB_INDEX_NAME] = normalizedRequest.commandInput.IndexName;
			if (normalizedRequest.commandInput?.Select) spanAttributes[ATTR_AWS_DYNAMODB_SELECT] = normalizedRequest.commandInput.Select;
		}
		if (operation === "UpdateTable") {
			if (normalizedRequest.commandInput?.AttributeDefinitions) spanAttributes[ATTR_AWS_DYNAMODB_ATTRIBUTE_DEFINITIONS] = this.toArray(normalizedRequest.commandInput.AttributeDefinitions).map((x) => JSON.stringify(x));
			if (normalizedRequest.commandInput?.GlobalSecondaryIndexUpdates) spanAttributes[ATTR_AWS_DYNAMODB_GLOBAL_SECONDARY_INDEX_UPDATES] = this.toArray(normalizedRequest.commandInput.GlobalSecondaryIndexUpdates).map((x) => JSON.stringify(x));
		}
		return {
			isIncoming,
			spanAttributes,
			spanKind,
			spanName
		};
	}
	responseHook(response, span, _tracer, _config) {
		if (response.data?.ConsumedCapacity) span.setAttribute(ATTR_AWS_DYNAMODB_CONSUMED_CAPACITY, toArray(response.data.ConsumedCapacity).map((x) => JSON.stringify(x)));
		if (response.data?.ItemCollectionMetrics) span.setAttribute(ATTR_AWS_DYNAMODB_ITEM_COLLECTION_METRICS, this.toArray(response.data.ItemCollectionMetrics).map((x) => JSON.stringify(x)));
		if (response.data?.TableNames) span.setAttribute(ATTR_AWS_DYNAMODB_TABLE_COUNT, response.data?.TableNames.length);
		if (response.data?.Count) span.setAttribute(ATTR_AWS_DYNAMODB_COUNT, response.data?.Count);
		if (response.data?.ScannedCount) span.setAttribute(ATTR_AWS_DYNAMODB_SCANNED_COUNT, response.data?.ScannedCount);
	}
};
function toArray(values) {
	return Array.isArray(values) ? values : [values];
}
// node_modules/@opentelemetry/instrumentation-aws-sdk/dist/services/secretsmanager.mjs
var SecretsManagerServiceExtension = class {
	requestPreSpanHook(request, _config) {
		const secretId = request.commandInput?.SecretId;
		const spanKind = SpanKind.CLIENT;
		let spanName;
		const spanAttributes = {};
		if (typeof secretId === "string" && secretId.startsWith("arn:aws:secretsmanager:")) spanAttributes[ATTR_AWS_SECRETSMANAGER_SECRET_ARN] = secretId;
		return {
			isIncoming: false,
			spanAttributes,
			spanKind,
			spanName
		};
	}
	responseHook(response, span, tracer, config) {
		const secretArn = response.data?.ARN;
		if (secretArn) span.setAttribute(ATTR_AWS_SECRETSMANAGER_SECRET_ARN, secretArn);
	}
};
// node_modules/@opentelemetry/instrumentation-aws-sdk/dist/semconv-obsolete.mjs
/**
* The execution ID of the current function execution.
*
* @deprecated Use ATTR_FAAS_INVOCATION_ID in [incubating entry-point]({@link https://github.com/open-telemetry/opentelemetry-js/blob/main/semantic-conventions/README.md#unstable-semconv}).
*/
const ATTR_FAAS_EXECUTION = "faas.execution";
/**
* The message destination name. This might be equal to the span name but is required nevertheless.
*
* @deprecated Use ATTR_MESSAGING_DESTINATION_NAME in [incubating entry-point]({@link https://github.com/open-telemetry/opentelemetry-js/blob/main/semantic-conventions/README.md#unstable-semconv}).
*/
const ATTR_MESSAGING_DESTINATION = "messaging.destination";
/**
* The kind of message destination.
*
* @deprecated Removed in semconv v1.20.0.
*/
const ATTR_MESSAGING_DESTINATION_KIND = "messaging.destination_kind";
/**
* The kind of message destination.
*
* @deprecated Removed in semconv v1.20.0.
*/
const MESSAGING_DESTINATION_KIND_VALUE_TOPIC = "topic";
// node_modules/@opentelemetry/instrumentation-aws-sdk/dist/services/sns.mjs
var SnsServiceExtension = class {
	requestPreSpanHook(request, _config) {
		let spanKind = SpanKind.CLIENT;
		let spanName = `SNS ${request.commandName}`;
		const spanAttributes = { [ATTR_MESSAGING_SYSTEM]: "aws.sns" };
		if (request.commandName === "Publish") {
			spanKind = SpanKind.PRODUCER;
			spanAttributes[ATTR_MESSAGING_DESTINATION_KIND] = MESSAGING_DESTINATION_KIND_VALUE_TOPIC;
			const { TopicArn, TargetArn, PhoneNumber } = request.commandInput;
			spanAttributes[ATTR_MESSAGING_DESTINATION] = this.extractDestinationName(TopicArn, TargetArn, PhoneNumber);
			spanAttributes["messaging.destination.name"] = TopicArn || TargetArn || PhoneNumber || "unknown";
			spanName = `${PhoneNumber ? "phone_number" : spanAttributes[ATTR_MESSAGING_DESTINATION]} send`;
		}
		const topicArn = request.commandInput?.TopicArn;
		if (topicArn) spanAttributes[ATTR_AWS_SNS_TOPIC_ARN] = topicArn;
		return {
			isIncoming: false,
			spanAttributes,
			spanKind,
			spanName
		};
	}
	requestPostSpanHook(request) {
		if (request.commandName === "Publish") {
			const origMessageAttributes = request.commandInput["MessageAttributes"] ?? {};
			if (origMessageAttributes) request.commandInput["MessageAttributes"] = injectPropagationContext(origMessageAttributes);
		}
	}
	responseHook(response, span, tracer, config) {
		const topicArn = response.data?.TopicArn;
		if (topicArn) span.setAttribute(ATTR_AWS_SNS_TOPIC_ARN, topicArn);
	}
	extractDestinationName(topicArn, targetArn, phoneNumber) {
		if (topicArn || targetArn) {
			const arn = topicArn ?? targetArn;
			try {
				return arn.substring(arn.lastIndexOf(":") + 1);
			} catch (err) {
				return arn;
			}
		} else if (phoneNumber) return phoneNumber;
		else return "unknown";
	}
};
// node_modules/@opentelemetry/instrumentation-aws-sdk/dist/services/stepfunctions.mjs
var StepFunctionsServiceExtension = class {
	requestPreSpanHook(request, _config) {
		const stateMachineArn = request.commandInput?.stateMachineArn;
		const activityArn = request.commandInput?.activityArn;
		const spanKind = SpanKind.CLIENT;
		const spanAttributes = {};
		if (stateMachineArn) spanAttributes[ATTR_AWS_STEP_FUNCTIONS_STATE_MACHINE_ARN] = stateMachineArn;
		if (activityArn) spanAttributes[ATTR_AWS_STEP_FUNCTIONS_ACTIVITY_ARN] = activityArn;
		return {
			isIncoming: false,
			spanAttributes,
			spanKind
		};
	}
};
// node_modules/@opentelemetry/instrumentation-aws-sdk/dist/services/lambda.mjs
var LambdaCommands = class {
	static Invoke = "Invoke";
};
var LambdaServiceExtension = class {
	requestPreSpanHook(request, _config) {
		const functionName = this.extractFunctionName(request.commandInput);
		let spanAttributes = {};
		let spanName;
		switch (request.commandName) {
			case "Invoke":
				spanAttributes = {
					[ATTR_FAAS_INVOKED_NAME]: functionName,
					[ATTR_FAAS_INVOKED_PROVIDER]: "aws"
				};
				if (request.region) spanAttributes[ATTR_FAAS_INVOKED_REGION] = request.region;
				spanName = `${functionName} ${LambdaCommands.Invoke}`;
		}
		return {
			isIncoming: false,
			spanAttributes,
			spanKind: SpanKind.CLIENT,
			spanName
		};
	}
	requestPostSpanHook = (request) => {
		switch (request.commandName) {
			case LambdaCommands.Invoke: if (request.commandInput) request.commandInput.ClientContext = injectLambdaPropagationContext(request.commandInput.ClientContext);
		}
	};
	responseHook(response, span, tracer, config) {
		switch (response.request.commandName) {
			case LambdaCommands.Invoke: span.setAttribute(ATTR_FAAS_EXECUTION, response.requestId);
		}
	}
	extractFunctionName = (commandInput) => {
		return commandInput?.FunctionName;
	};
};
const injectLambdaPropagationContext = (clientContext) => {
	try {
		const propagatedContext = {};
		propagation.inject(context.active(), propagatedContext);
		const parsedClientContext = clientContext ? JSON.parse(Buffer.from(clientContext, "base64").toString("utf8")) : {};
		const updatedClientContext = {
			...parsedClientContext,
			custom: {
				...parsedClientContext.custom,
				...propagatedContext
			}
		};
		const encodedClientContext = Buffer.from(JSON.stringify(updatedClientContext)).toString("base64");
		if (encodedClientContext.length > 3583) {
			diag.warn("lambda instrumentation: cannot set context propagation on lambda invoke parameters due to ClientContext length limitations.");
			return clientContext;
		}
		return encodedClientContext;
	} catch (e) {
		diag.debug("lambda instrumentation: failed to set context propagation on ClientContext", e);
		return clientContext;
	}
};
// node_modules/@opentelemetry/instrumentation-aws-sdk/dist/services/s3.mjs
var S3ServiceExtension = class {
	requestPreSpanHook(request, _config) {
		const bucketName = request.commandInput?.Bucket;
		const spanKind = SpanKind.CLIENT;
		const spanAttributes = {};
		if (bucketName) spanAttributes["aws.s3.bucket"] = bucketName;
		return {
			isIncoming: false,
			spanAttributes,
			spanKind
		};
	}
};
// node_modules/@opentelemetry/instrumentation-aws-sdk/dist/services/kinesis.mjs
var KinesisServiceExtension = class {
	requestPreSpanHook(request, _config) {
		const streamName = request.commandInput?.StreamName;
		const spanKind = SpanKind.CLIENT;
		const spanAttributes = {};
		if (streamName) spanAttributes["aws.kinesis.stream.name"] = streamName;
		return {
			isIncoming: false,
			spanAttributes,
			spanKind
		};
	}
};
// node_modules/@opentelemetry/instrumentation-aws-sdk/dist/services/ServicesExtensions.mjs
var ServicesExtensions = class {
	services = /* @__PURE__ */ new Map();
	constructor() {
		this.registerServices();
	}
	registerServices() {
		this.services.set("SecretsManager", new SecretsManagerServiceExtension());
		this.services.set("SFN", new StepFunctionsServiceExtension());
		this.services.set("SQS", new SqsServiceExtension());
		this.services.set("SNS", new SnsServiceExtension());
		this.services.set("DynamoDB", new DynamodbServiceExtension());
		this.services.set("Lambda", new LambdaServiceExtension());
		this.services.set("S3", new S3ServiceExtension());
		this.services.set("Kinesis", new KinesisServiceExtension());
		this.services.set("BedrockRuntime", new BedrockRuntimeServiceExtension());
	}
	requestPreSpanHook(request, config, diag) {
		const serviceExtension = this.services.get(request.serviceName);
		if (!serviceExtension) return { isIncoming: false };
		return serviceExtension.requestPreSpanHook(request, config, diag);
	}
	requestPostSpanHook(request) {
		const serviceExtension = this.services.get(request.serviceName);
		if (!serviceExtension?.requestPostSpanHook) return;
		return serviceExtension.requestPostSpanHook(request);
	}
	responseHook(response, span, tracer, config, startTime) {
		return this.services.get(response.request.serviceName)?.responseHook?.(response, span, tracer, config, startTime);
	}
	updateMetricInstruments(meter) {
		for (const serviceExtension of this.services.values()) serviceExtension.updateMetricInstruments?.(meter);
	}
};
// node_modules/@opentelemetry/instrumentation-aws-sdk/dist/version.mjs
const PACKAGE_VERSION = "0.79.0";
const PACKAGE_NAME = "@opentelemetry/instrumentation-aws-sdk";
// node_modules/@opentelemetry/instrumentation-aws-sdk/dist/utils.mjs
const removeSuffixFromStringIfExists = (str, suffixToRemove) => {
	const suffixLength = suffixToRemove.length;
	return str?.slice(-suffixLength) === suffixToRemove ? str.slice(0, str.length - suffixLength) : str;
};
const normalizeV3Request = (serviceName, commandNameWithSuffix, commandInput, region) => {
	return {
		serviceName: serviceName?.replace(/\s+/g, ""),
		commandName: removeSuffixFromStringIfExists(commandNameWithSuffix, "Command"),
		commandInput,
		region
	};
};
const extractAttributesFromNormalizedRequest = (normalizedRequest) => {
	return {
		[ATTR_RPC_SYSTEM]: "aws-api",
		[ATTR_RPC_METHOD]: normalizedRequest.commandName,
		[ATTR_RPC_SERVICE]: normalizedRequest.serviceName,
		["cloud.region"]: normalizedRequest.region
	};
};
const bindPromise = (target, contextForCallbacks, rebindCount = 1) => {
	const origThen = target.then;
	target.then = function(onFulfilled, onRejected) {
		const newOnFulfilled = context.bind(contextForCallbacks, onFulfilled);
		const newOnRejected = context.bind(contextForCallbacks, onRejected);
		const patchedPromise = origThen.call(this, newOnFulfilled, newOnRejected);
		return rebindCount > 1 ? bindPromise(patchedPromise, contextForCallbacks, rebindCount - 1) : patchedPromise;
	};
	return target;
};
// node_modules/@opentelemetry/instrumentation-aws-sdk/dist/propwrap.mjs
const __defProp = Object.defineProperty;
const __getOwnPropDesc = Object.getOwnPropertyDescriptor;
const __hasOwnProp = Object.prototype.hasOwnProperty;
const __getOwnPropNames = Object.getOwnPropertyNames;
const __copyProps = (to, from, except, desc) => {
	if (from && typeof from === "object" || typeof from === "function") {
		for (const key of __getOwnPropNames(from)) if (!__hasOwnProp.call(to, key) && key !== except) __defProp(to, key, {
			get: () => from[key],
			enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable
		});
	}
	return to;
};
/**
* Return a new object that is a copy of `obj`, with its `subpath` property
* replaced with the return value of `wrapper(original)`.
*
* This is similar to shimmer (i.e. `InstrumentationBase.prototype._wrap`).
* However, it uses a different technique to support wrapping properties that
* are only available via a getter (i.e. their property descriptor is `.writable
* === false`).
*
* For example:
*    var os = propwrap(require('os'), 'platform', (orig) => {
*      return function wrappedPlatform () {
*        return orig().toUpperCase()
*      }
*    })
*    console.log(os.platform()) // => DARWIN
*
* The subpath can indicate a nested property. Each property in that subpath,
* except the last, must identify an *Object*.
*
* Limitations:
* - This doesn't handle possible Symbol properties on the copied object(s).
* - This cannot wrap a property of a function, because we cannot create a
*   copy of the function.
*
* @param {object} obj
* @param {string} subpath - The property subpath on `obj` to wrap. This may
*    point to a nested property by using a '.' to separate levels. For example:
*        var fs = wrap(fs, 'promises.sync', (orig) => { ... })
* @param {Function} wrapper - A function of the form `function (orig)`, where
*    `orig` is the original property value. This must synchronously return the
*    new property value.
* @returns {object} A new object with the wrapped property.
* @throws {TypeError} if the subpath points to a non-existent property, or if
*    any but the last subpath part points to a non-Object.
*/
const propwrap = (obj, subpath, wrapper) => {
	const parts = subpath.split(".");
	const namespaces = [obj];
	let namespace = obj;
	let key;
	let val;
	for (let i = 0; i < parts.length; i++) {
		key = parts[i];
		val = namespace[key];
		if (!val) throw new TypeError(`cannot wrap "${subpath}": "<obj>.${parts.slice(0, i).join(".")}" is ${typeof val}`);
		else if (i < parts.length - 1) {
			if (typeof val !== "object") throw new TypeError(`cannot wrap "${subpath}": "<obj>.${parts.slice(0, i).join(".")}" is not an Object`);
			namespace = val;
			namespaces.push(namespace);
		}
	}
	for (let i = parts.length - 1; i >= 0; i--) {
		key = parts[i];
		namespace = namespaces[i];
		if (i === parts.length - 1) {
			const orig = namespace[key];
			val = wrapper(orig);
		} else val = namespaces[i + 1];
		const desc = __getOwnPropDesc(namespace, key);
		const wrappedNamespace = __defProp({}, key, {
			value: val,
			enumerable: !desc || desc.enumerable
		});
		__copyProps(wrappedNamespace, namespace, key);
		namespaces[i] = wrappedNamespace;
	}
	return namespaces[0];
};
// node_modules/@opentelemetry/instrumentation-aws-sdk/dist/aws-sdk.mjs
/** @knipignore */
const V3_CLIENT_CONFIG_KEY = Symbol("opentelemetry.instrumentation.aws-sdk.client.config");
var AwsInstrumentation = class AwsInstrumentation extends InstrumentationBase {
	static component = "aws-sdk";
	constructor(config = {}) {
		super(PACKAGE_NAME, PACKAGE_VERSION, config);
	}
	init() {
		const v3MiddlewareStackFileOldVersions = new InstrumentationNodeModuleFile("@aws-sdk/middleware-stack/dist/cjs/MiddlewareStack.js", [">=3.1.0 <3.35.0"], this.patchV3ConstructStack.bind(this), this.unpatchV3ConstructStack.bind(this));
		const v3MiddlewareStackFileNewVersions = new InstrumentationNodeModuleFile("@aws-sdk/middleware-stack/dist-cjs/MiddlewareStack.js", [">=3.35.0"], this.patchV3ConstructStack.bind(this), this.unpatchV3ConstructStack.bind(this));
		const v3MiddlewareStack = new InstrumentationNodeModuleDefinition("@aws-sdk/middleware-stack", ["^3.1.0"], void 0, void 0, [v3MiddlewareStackFileOldVersions, v3MiddlewareStackFileNewVersions]);
		const self = this;
		const v3SmithyMiddlewareStack = new InstrumentationNodeModuleDefinition("@smithy/middleware-stack", [">=2.0.0"], (moduleExports, moduleVersion) => {
			return propwrap(moduleExports, "constructStack", (orig) => {
				self._diag.debug("propwrapping aws-sdk v3 constructStack");
				return self._getV3ConstructStackPatch(moduleVersion, orig);
			});
		});
		const v3SmithyCoreClientFile = new InstrumentationNodeModuleFile("@smithy/core/dist-cjs/submodules/client/index.js", [">=3.24.0"], this.patchV3SmithyClient.bind(this), this.unpatchV3SmithyClient.bind(this));
		return [
			v3MiddlewareStack,
			v3SmithyMiddlewareStack,
			new InstrumentationNodeModuleDefinition("@smithy/core", [">=3.24.0"], void 0, void 0, [v3SmithyCoreClientFile]),
			new InstrumentationNodeModuleDefinition("@aws-sdk/smithy-client", ["^3.1.0"], this.patchV3SmithyClient.bind(this), this.unpatchV3SmithyClient.bind(this)),
			new InstrumentationNodeModuleDefinition("@smithy/smithy-client", [">=1.0.3"], this.patchV3SmithyClient.bind(this), this.unpatchV3SmithyClient.bind(this))
		];
	}
	patchV3ConstructStack(moduleExports, moduleVersion) {
		this._wrap(moduleExports, "constructStack", this._getV3ConstructStackPatch.bind(this, moduleVersion));
		return moduleExports;
	}
	unpatchV3ConstructStack(moduleExports) {
		this._unwrap(moduleExports, "constructStack");
		return moduleExports;
	}
	patchV3SmithyClient(moduleExports, moduleVersion) {
		this._wrap(moduleExports.Client.prototype, "send", this._getV3SmithyClientSendPatch.bind(this, moduleVersion));
		return moduleExports;
	}
	unpatchV3SmithyClient(moduleExports) {
		this._unwrap(moduleExports.Client.prototype, "send");
		return moduleExports;
	}
	_startAwsV3Span(normalizedRequest, metadata) {
		const name = metadata.spanName ?? `${normalizedRequest.serviceName}.${normalizedRequest.commandName}`;
		return this.tracer.startSpan(name, {
			kind: metadata.spanKind ?? SpanKind.CLIENT,
			attributes: {
				...extractAttributesFromNormalizedRequest(normalizedRequest),
				...metadata.spanAttributes
			}
		});
	}
	_callUserPreRequestHook(span, request, moduleVersion) {
		const { preRequestHook } = this.getConfig();
		if (preRequestHook) {
			const requestInfo = {
				moduleVersion,
				request
			};
			safeExecuteInTheMiddle(() => preRequestHook(span, requestInfo), (e) => {
				if (e) diag.error(`${AwsInstrumentation.component} instrumentation: preRequestHook error`, e);
			}, true);
		}
	}
	_callUserResponseHook(span, response) {
		const { responseHook } = this.getConfig();
		if (!responseHook) return;
		const responseInfo = { response };
		safeExecuteInTheMiddle(() => responseHook(span, responseInfo), (e) => {
			if (e) diag.error(`${AwsInstrumentation.component} instrumentation: responseHook error`, e);
		}, true);
	}
	_callUserExceptionResponseHook(span, request, err) {
		const { exceptionHook } = this.getConfig();
		if (!exceptionHook) return;
		const requestInfo = { request };
		safeExecuteInTheMiddle(() => exceptionHook(span, requestInfo, err), (e) => {
			if (e) diag.error(`${AwsInstrumentation.component} instrumentation: exceptionHook error`, e);
		}, true);
	}
	_getV3ConstructStackPatch(moduleVersion, original) {
		const self = this;
		return function constructStack(...args) {
			const stack = original.apply(this, args);
			self.patchV3MiddlewareStack(moduleVersion, stack);
			return stack;
		};
	}
	_getV3SmithyClientSendPatch(moduleVersion, original) {
		const self = this;
		return function send(command, ...args) {
			command[V3_CLIENT_CONFIG_KEY] = this.config;
			self.patchV3MiddlewareStack(moduleVersion, this.middlewareStack);
			return original.apply(this, [command, ...args]);
		};
	}
	patchV3MiddlewareStack(moduleVersion, middlewareStackToPatch) {
		if (!isWrapped(middlewareStackToPatch.resolve)) this._wrap(middlewareStackToPatch, "resolve", this._getV3MiddlewareStackResolvePatch.bind(this, moduleVersion));
		if (!isWrapped(middlewareStackToPatch.clone)) this._wrap(middlewareStackToPatch, "clone", this._getV3MiddlewareStackClonePatch.bind(this, moduleVersion));
		if (!isWrapped(middlewareStackToPatch.concat)) this._wrap(middlewareStackToPatch, "concat", this._getV3MiddlewareStackClonePatch.bind(this, moduleVersion));
	}
	_getV3MiddlewareStackClonePatch(moduleVersion, original) {
		const self = this;
		return function(...args) {
			const newStack = original.apply(this, args);
			self.patchV3MiddlewareStack(moduleVersion, newStack);
			return newStack;
		};
	}
	_getV3MiddlewareStackResolvePatch(moduleVersion, original) {
		const self = this;
		return function(_handler, awsExecutionContext) {
			const origHandler = original.call(this, _handler, awsExecutionContext);
			const patchedHandler = function(command) {
				const clientConfig = command[V3_CLIENT_CONFIG_KEY];
				const regionPromise = clientConfig?.region?.();
				const serviceName = clientConfig?.serviceId ?? removeSuffixFromStringIfExists(awsExecutionContext.clientName || "AWS", "Client");
				const commandName = awsExecutionContext.commandName ?? command.constructor?.name;
				const normalizedRequest = normalizeV3Request(serviceName, commandName, command.input, void 0);
				const requestMetadata = self.servicesExtensions.requestPreSpanHook(normalizedRequest, self.getConfig(), self._diag);
				const startTime = hrTime();
				const span = self._startAwsV3Span(normalizedRequest, requestMetadata);
				const activeContextWithSpan = trace.setSpan(context.active(), span);
				const handlerPromise = new Promise((resolve, reject) => {
					Promise.resolve(regionPromise).then((resolvedRegion) => {
						normalizedRequest.region = resolvedRegion;
						span.setAttribute("cloud.region", resolvedRegion);
					}).catch((e) => {
						diag.debug(`${AwsInstrumentation.component} instrumentation: failed to extract region from async function`, e);
					}).finally(() => {
						self._callUserPreRequestHook(span, normalizedRequest, moduleVersion);
						context.with(activeContextWithSpan, () => {
							self.servicesExtensions.requestPostSpanHook(normalizedRequest);
							return self._callOriginalFunction(() => origHandler.call(this, command));
						}).then((response) => {
							const requestId = response.output?.$metadata?.requestId;
							if (requestId) span.setAttribute("aws.request.id", requestId);
							const httpStatusCode = response.output?.$metadata?.httpStatusCode;
							if (httpStatusCode) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, httpStatusCode);
							const extendedRequestId = response.output?.$metadata?.extendedRequestId;
							if (extendedRequestId) span.setAttribute("aws.request.extended_id", extendedRequestId);
							const normalizedResponse = {
								data: response.output,
								request: normalizedRequest,
								requestId
							};
							const override = self.servicesExtensions.responseHook(normalizedResponse, span, self.tracer, self.getConfig(), startTime);
							if (override) {
								response.output = override;
								normalizedResponse.data = override;
							}
							self._callUserResponseHook(span, normalizedResponse);
							return response;
						}).catch((err) => {
							const requestId = err?.RequestId;
							if (requestId) span.setAttribute("aws.request.id", requestId);
							const httpStatusCode = err?.$metadata?.httpStatusCode;
							if (httpStatusCode) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, httpStatusCode);
							const extendedRequestId = err?.extendedRequestId;
							if (extendedRequestId) span.setAttribute("aws.request.extended_id", extendedRequestId);
							span.setStatus({
								code: SpanStatusCode.ERROR,
								message: err.message
							});
							span.recordException(err);
							self._callUserExceptionResponseHook(span, normalizedRequest, err);
							throw err;
						}).finally(() => {
							if (!requestMetadata.isStream) span.end();
						}).then((res) => {
							resolve(res);
						}).catch((err) => reject(err));
					});
				});
				return requestMetadata.isIncoming ? bindPromise(handlerPromise, activeContextWithSpan, 2) : handlerPromise;
			};
			return patchedHandler;
		};
	}
	_callOriginalFunction(originalFunction) {
		if (this.getConfig().suppressInternalInstrumentation) return context.with(suppressTracing(context.active()), originalFunction);
		else return originalFunction();
	}
	_updateMetricInstruments() {
		if (!this.servicesExtensions) this.servicesExtensions = new ServicesExtensions();
		this.servicesExtensions.updateMetricInstruments(this.meter);
	}
};
export { AwsInstrumentation };
