/**
 * What the worker asks of AWS, counted by a middleware on the clients it uses: requests and wall
 * time per command (summed; calls in flight together overlap), and DynamoDB capacity units by the
 * on-demand rules, from what is sent and returned (the emulator's own ConsumedCapacity is not
 * real): a write unit per started 1 KB of item written (a conditional UpdateItem counts its
 * item's size, here always under 1 KB: one unit), an eventually consistent read half a unit per
 * started 4 KB, per key asked for by BatchGetItem (found or not), per page for a Query.
 */
interface Stack {
  middlewareStack: {
    add(middleware: unknown, options: { step: 'initialize'; name: string }): void;
  };
}

function itemBytes(item: Record<string, unknown>): number {
  // attribute names plus values, as DynamoDB sizes an item (numbers counted as their digits)
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) bytes += name.length + JSON.stringify(value).length;
  return bytes;
}

export function awsMeter() {
  const requests = new Map<string, number>();
  const millis = new Map<string, number>();
  let writeUnits = 0;
  let readUnits = 0;

  function count(command: string, input: Record<string, unknown>, output: Record<string, unknown> | undefined) {
    if (command === 'BatchWriteItemCommand') {
      for (const writes of Object.values(input.RequestItems as Record<string, { PutRequest?: { Item: object } }[]>)) {
        for (const write of writes) {
          const item = write.PutRequest?.Item;
          writeUnits += item ? Math.ceil(itemBytes(item as Record<string, unknown>) / 1024) : 1;
        }
      }
    } else if (/^(PutItem|UpdateItem|DeleteItem)Command$/.test(command)) {
      writeUnits += 1;
    } else if (command === 'BatchGetItemCommand') {
      for (const ask of Object.values(input.RequestItems as Record<string, { Keys: unknown[] }>)) {
        readUnits += ask.Keys.length * 0.5;
      }
    } else if (command === 'QueryCommand' || command === 'ScanCommand') {
      const items = (output?.Items ?? []) as Record<string, unknown>[];
      readUnits += Math.max(1, Math.ceil(items.reduce((sum, item) => sum + itemBytes(item), 0) / 4096)) * 0.5;
    }
  }

  return {
    /** Meters each client once, however often it is named (the inventory table's may be the emulator's). */
    attach(...clients: Stack[]) {
      for (const client of new Set(clients)) {
        client.middlewareStack.add(
          (
            next: (args: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>,
            context: { commandName: string },
          ) =>
            async (args: { input: Record<string, unknown> }) => {
              const started = performance.now();
              const result = await next(args);
              const command = context.commandName;
              requests.set(command, (requests.get(command) ?? 0) + 1);
              millis.set(command, (millis.get(command) ?? 0) + performance.now() - started);
              count(command, args.input, result.output);
              return result;
            },
          { step: 'initialize', name: 'benchAwsMeter' },
        );
      }
    },
    /** The figures since now, as a function to call when the measured part is over. */
    since() {
      const start = { requests: new Map(requests), millis: new Map(millis), writeUnits, readUnits };
      return () => {
        const delta = (now: Map<string, number>, then: Map<string, number>) =>
          Object.fromEntries(
            [...now]
              .map(([name, value]) => [name.replace(/Command$/, ''), value - (then.get(name) ?? 0)] as const)
              .filter(([, value]) => value > 0),
          );
        const byCommand = delta(requests, start.requests);
        const writeRequests = Object.entries(byCommand)
          .filter(([name]) => /^(BatchWriteItem|PutItem|UpdateItem|DeleteItem|TransactWriteItems)$/.test(name))
          .reduce((sum, [, value]) => sum + value, 0);
        return {
          byCommand,
          millisByCommand: delta(millis, start.millis),
          writeRequests,
          writeUnits: writeUnits - start.writeUnits,
          readUnits: readUnits - start.readUnits,
        };
      };
    },
  };
}
