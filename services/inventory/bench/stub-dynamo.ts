/**
 * A stand-in DynamoDB endpoint for the benchmarks, in its own process (so its CPU and memory are
 * not the client's). Prints its port, exits when its stdin ends. Not used by any test: the tests
 * and the services run against the emulator; this only takes the emulator's speed out of a
 * benchmark's way.
 *
 *   stub-dynamo.ts [keep-alive|close] [--tables]
 *
 * - `close` answers with `Connection: close` on every response, as the emulator (werkzeug) does;
 *   otherwise connections are kept alive, as DynamoDB's are.
 * - Without `--tables` (request-cpu.ts) every request gets an empty BatchWriteItem result.
 * - With `--tables` (load-rss.ts) it keeps tables in memory and does what the loader asks of the
 *   inventory table, as DynamoDB does: CreateTable (its key schema), BatchWriteItem (puts and
 *   deletes, at most 25, distinct keys), BatchGetItem (at most 100 keys, ProjectionExpression
 *   with ExpressionAttributeNames; every read is consistent), and Query on a table's partition
 *   key (`name = :value`, optionally through `#alias`; Limit, ProjectionExpression; in sort-key
 *   order). Anything else is answered with a 400 that names it, never with a guess.
 */
import { createServer } from 'node:http';

type Value = Record<string, unknown>;
type Item = Record<string, Value>;

const close = process.argv.includes('close');
const tablesMode = process.argv.includes('--tables');
const emptyWrite = Buffer.from('{"UnprocessedItems":{}}');

class DynamoError extends Error {
  readonly type: string;
  constructor(type: string, message: string) {
    super(message);
    this.type = type;
  }
}
const invalid = (message: string) => new DynamoError('ValidationException', message);

interface Table {
  readonly name: string;
  readonly hash: string;
  readonly range?: string | undefined;
  readonly rangeIsNumber: boolean;
  /** items as JSON text (a third of the memory of the parsed objects), by partition, by full key */
  readonly partitions: Map<string, Map<string, string>>;
}
const tables = new Map<string, Table>();

function table(name: unknown): Table {
  const found = tables.get(String(name));
  if (!found)
    throw new DynamoError('ResourceNotFoundException', `Requested resource not found: Table: ${name} not found`);
  return found;
}

function scalar(value: Value | undefined, attribute: string): string {
  const text = value?.S ?? value?.N;
  if (typeof text !== 'string') throw invalid(`The provided key element does not match the schema (${attribute})`);
  return text;
}

function keyOf(table: Table, item: Item): { partition: string; key: string } {
  const partition = scalar(item[table.hash], table.hash);
  return { partition, key: table.range ? `${partition}\u0000${scalar(item[table.range], table.range)}` : partition };
}

function projected(item: Item, expression: unknown, names: Record<string, string> = {}): Item {
  if (typeof expression !== 'string') return item;
  const picked: Item = {};
  for (const part of expression.split(',')) {
    const token = part.trim();
    const name = token.startsWith('#') ? names[token] : token;
    if (name === undefined) throw invalid(`Value provided in ExpressionAttributeNames unused or missing: ${token}`);
    const value = item[name];
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}

const operations: Record<string, (input: Record<string, unknown>) => unknown> = {
  CreateTable(input) {
    const schema = input.KeySchema as { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
    const definitions = input.AttributeDefinitions as { AttributeName: string; AttributeType: string }[];
    const hash = schema.find((key) => key.KeyType === 'HASH')?.AttributeName;
    const range = schema.find((key) => key.KeyType === 'RANGE')?.AttributeName;
    if (!hash) throw invalid('KeySchema needs a HASH key');
    if (tables.has(String(input.TableName)))
      throw new DynamoError('ResourceInUseException', `Table already exists: ${input.TableName}`);
    const rangeType = definitions.find((definition) => definition.AttributeName === range)?.AttributeType;
    tables.set(String(input.TableName), {
      name: String(input.TableName),
      hash,
      range,
      rangeIsNumber: rangeType === 'N',
      partitions: new Map(),
    });
    return { TableDescription: { TableName: input.TableName, TableStatus: 'ACTIVE', KeySchema: schema } };
  },

  BatchWriteItem(input) {
    const requests = Object.entries(
      input.RequestItems as Record<string, Record<string, { Item?: Item; Key?: Item }>[]>,
    );
    if (requests.reduce((sum, [, writes]) => sum + writes.length, 0) > 25) {
      throw invalid('Too many items requested for the BatchWriteItem call');
    }
    for (const [name, writes] of requests) {
      const target = table(name);
      const seen = new Set<string>();
      const applied = writes.map((write) => {
        const item = write.PutRequest?.Item ?? write.DeleteRequest?.Key;
        if (!item) throw invalid('A write request needs a PutRequest or a DeleteRequest');
        const where = keyOf(target, item);
        if (seen.has(where.key)) throw invalid('Provided list of item keys contains duplicates');
        seen.add(where.key);
        return { where, item: write.PutRequest ? JSON.stringify(item) : undefined };
      });
      for (const { where, item } of applied) {
        let partition = target.partitions.get(where.partition);
        if (item !== undefined) {
          if (!partition) {
            partition = new Map();
            target.partitions.set(where.partition, partition);
          }
          partition.set(where.key, item);
        } else {
          partition?.delete(where.key);
          if (partition?.size === 0) target.partitions.delete(where.partition);
        }
      }
    }
    return { UnprocessedItems: {} };
  },

  BatchGetItem(input) {
    const asks = Object.entries(
      input.RequestItems as Record<
        string,
        { Keys: Item[]; ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> }
      >,
    );
    if (asks.reduce((sum, [, ask]) => sum + ask.Keys.length, 0) > 100) {
      throw invalid('Too many items requested for the BatchGetItem call');
    }
    const Responses: Record<string, Item[]> = {};
    for (const [name, ask] of asks) {
      const source = table(name);
      Responses[name] = ask.Keys.flatMap((key) => {
        const where = keyOf(source, key);
        const text = source.partitions.get(where.partition)?.get(where.key);
        return text === undefined
          ? []
          : [projected(JSON.parse(text) as Item, ask.ProjectionExpression, ask.ExpressionAttributeNames)];
      });
    }
    return { Responses, UnprocessedKeys: {} };
  },

  Query(input) {
    const source = table(input.TableName);
    if (input.IndexName !== undefined) throw invalid(`the stub queries no index (asked for ${input.IndexName})`);
    const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
    const condition = /^\s*(#?\w+)\s*=\s*(:\w+)\s*$/.exec(String(input.KeyConditionExpression ?? ''));
    const attribute = condition?.[1]?.startsWith('#') ? names[condition[1]] : condition?.[1];
    if (!condition || attribute !== source.hash) {
      throw invalid(`the stub answers only "${source.hash} = :value" (asked: ${input.KeyConditionExpression})`);
    }
    if (input.FilterExpression !== undefined || input.ExclusiveStartKey !== undefined) {
      throw invalid('the stub does not filter or page queries');
    }
    const value = (input.ExpressionAttributeValues as Record<string, Value>)[condition[2] as string];
    const partition = source.partitions.get(scalar(value, source.hash));
    const sortValue = (item: Item) => (source.range ? scalar(item[source.range], source.range) : '');
    const items = [...(partition?.values() ?? [])]
      .map((text) => JSON.parse(text) as Item)
      .sort((a, b) =>
        source.rangeIsNumber ? Number(sortValue(a)) - Number(sortValue(b)) : sortValue(a) < sortValue(b) ? -1 : 1,
      );
    const limit = typeof input.Limit === 'number' ? input.Limit : items.length;
    const page = items.slice(0, limit);
    const last = page.length < items.length ? page.at(-1) : undefined;
    return {
      Items: page.map((item) => projected(item, input.ProjectionExpression, names)),
      Count: page.length,
      ScannedCount: page.length,
      ...(last
        ? {
            LastEvaluatedKey: {
              [source.hash]: last[source.hash],
              ...(source.range ? { [source.range]: last[source.range] } : {}),
            },
          }
        : {}),
    };
  },
};

function answer(target: string, body: string): { status: number; body: Buffer } {
  if (!tablesMode) return { status: 200, body: emptyWrite };
  const operation = operations[target.slice(target.indexOf('.') + 1)];
  try {
    if (!operation) throw new DynamoError('UnknownOperationException', `the stub does not implement ${target}`);
    return { status: 200, body: Buffer.from(JSON.stringify(operation(JSON.parse(body) as Record<string, unknown>))) };
  } catch (error) {
    const type = error instanceof DynamoError ? error.type : 'InternalServerError';
    const payload = { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: (error as Error).message };
    return { status: type === 'InternalServerError' ? 500 : 400, body: Buffer.from(JSON.stringify(payload)) };
  }
}

const server = createServer((request, response) => {
  const parts: Buffer[] = [];
  request.on('data', (part: Buffer) => {
    if (tablesMode) parts.push(part);
  });
  request.on('end', () => {
    const result = answer(String(request.headers['x-amz-target'] ?? ''), Buffer.concat(parts).toString());
    response.writeHead(result.status, {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': result.body.length,
      ...(close ? { connection: 'close' } : {}),
    });
    response.end(result.body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
