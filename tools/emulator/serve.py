"""Runs moto's server and exits when its parent goes away (stdin closes), so an interrupted
test run or launcher never leaves an orphan emulator behind, even after a SIGKILL.

DynamoDB requests run one at a time. moto serves each request on a thread of its own, and its
TransactWriteItems is not isolated: it checks every condition, writes item by item, and undoes a
cancelled transaction by putting back a copy of the whole table taken when it began. Two
concurrent registrations of one username could both pass the uniqueness item's condition, and
a cancelled one could restore a table that another transaction had written since. DynamoDB
serializes transactions against every other write to their items; one lock over moto's DynamoDB
(and its streams, which read the same tables) gives the emulator that isolation. Other services,
SQS's long polls among them, still run in parallel."""
import os
import sys
import threading

from moto.dynamodb.responses import DynamoHandler
from moto.dynamodbstreams.responses import DynamoDBStreamsHandler
from moto.server import main

dynamodb_lock = threading.Lock()


def one_at_a_time(call_action):
    def locked(self):
        with dynamodb_lock:
            return call_action(self)

    return locked


for handler in (DynamoHandler, DynamoDBStreamsHandler):
    handler.call_action = one_at_a_time(handler.call_action)


def exit_when_parent_dies() -> None:
    sys.stdin.read()
    os._exit(0)


threading.Thread(target=exit_when_parent_dies, daemon=True).start()
main(sys.argv[1:])
